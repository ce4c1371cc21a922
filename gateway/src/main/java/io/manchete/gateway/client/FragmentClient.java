package io.manchete.gateway.client;

import io.manchete.gateway.metrics.GatewayMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Fetches one fragment (or layout) from an upstream: a non-blocking GET through the upstream's
 * fault-tolerance guard ({@link UpstreamGuards}: timeout, circuit breaker, bulkhead, budgeted retry),
 * turned into a {@link FragmentResult} that never fails, timed into
 * {@value GatewayMetrics#FRAGMENT_DURATION}. Every upstream GET of page assembly goes through here,
 * reached through the fragment cache ({@code cache.FragmentCache}); the W3C {@code traceparent} of
 * the caller's span goes along.
 */
@ApplicationScoped
public class FragmentClient {
    private static final Logger LOG = Logger.getLogger(FragmentClient.class);

    private final UpstreamClients clients;
    private final UpstreamGuards guards;
    private final UpstreamSpans spans;
    private final GatewayMetrics metrics;

    public FragmentClient(UpstreamClients clients, UpstreamGuards guards, UpstreamSpans spans, GatewayMetrics metrics) {
        this.clients = clients;
        this.guards = guards;
        this.spans = spans;
        this.metrics = metrics;
    }

    /**
     * GET {@code pathAndQuery} on {@code upstream} in a client span of its own (child of the current
     * span); {@code slot} names the call in metrics, spans and logs.
     */
    public Uni<FragmentResult> fetch(Upstream upstream, String slot, String pathAndQuery) {
        return Uni.createFrom().deferred(() -> {
            Span span = spans.start("GET", upstream, slot, pathAndQuery);
            return fetch(upstream, slot, pathAndQuery, Context.current().with(span))
                    .invoke(result -> UpstreamSpans.end(span, result, null));
        });
    }

    /**
     * GET {@code pathAndQuery} on {@code upstream}, propagating {@code trace} (the caller's span) to it.
     * The timer starts at subscription, so building the Uni early costs nothing.
     */
    public Uni<FragmentResult> fetch(Upstream upstream, String slot, String pathAndQuery, Context trace) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return guards.read(upstream, () -> {
                        HttpRequest<Buffer> request = clients.get(upstream, pathAndQuery);
                        spans.inject(trace, request);
                        return request.send().map(response -> checked(upstream, pathAndQuery, response));
                    })
                    .map(response -> answered(upstream, slot, response, System.nanoTime() - start))
                    .onFailure().recoverWithItem(failure -> {
                        LOG.debugf("%s %s (slot %s) failed: %s", upstream.serviceName(), pathAndQuery, slot,
                                failure.toString());
                        return FragmentResult.failed(upstream, slot, failure, System.nanoTime() - start);
                    })
                    .invoke(result -> metrics.fragment(upstream.serviceName(), slot, result.outcome().tag(),
                            result.nanos()));
        });
    }

    /** A 5xx is a failure inside the guard (the breaker counts it, a 502/503/504 may be retried). */
    static HttpResponse<Buffer> checked(Upstream upstream, String path, HttpResponse<Buffer> response) {
        if (response.statusCode() >= 500) {
            throw new UpstreamStatusException(upstream.serviceName() + " " + path, response.statusCode());
        }
        return response;
    }

    private static FragmentResult answered(Upstream upstream, String slot, HttpResponse<Buffer> response, long nanos) {
        int status = response.statusCode();
        FragmentResult.Outcome outcome;
        MultiMap headers = response.headers().getDelegate();
        String location = null;
        if (status >= 200 && status < 300) {
            outcome = FragmentResult.Outcome.OK;
        } else if (status == 404 || status == 410) {
            outcome = FragmentResult.Outcome.NOT_FOUND;
        } else if (status == 301 || status == 308) {
            outcome = FragmentResult.Outcome.REDIRECT;
            location = headers.get(HttpHeaders.LOCATION);
        } else {
            outcome = FragmentResult.Outcome.ERROR_STATUS;
        }
        Buffer body = response.body();
        return new FragmentResult(upstream, slot, outcome, status, body == null ? "" : body.toString(),
                joined(headers, HttpHeaders.CACHE_CONTROL.toString()), joined(headers, FragmentHeaders.SURROGATE_KEY),
                headers.get(FragmentHeaders.FRAGMENT_TITLE), nanos, headers.contains(HttpHeaders.SET_COOKIE), location);
    }

    /** A header that may come as several lines, joined the way HTTP allows (comma, or space for tags). */
    private static String joined(MultiMap headers, String name) {
        List<String> all = headers.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return String.join(FragmentHeaders.SURROGATE_KEY.equals(name) ? " " : ", ", all);
    }
}
