package io.manchete.gateway.client;

import io.manchete.gateway.metrics.GatewayMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Fetches one fragment (or layout) from an upstream: a non-blocking GET with the upstream's budget,
 * turned into a {@link FragmentResult} that never fails, timed into
 * {@value GatewayMetrics#FRAGMENT_DURATION}. Page assembly reaches it through the fragment cache
 * ({@code cache.FragmentCache}); a circuit breaker and a bulkhead go here later.
 */
@ApplicationScoped
public class FragmentClient {
    private static final Logger LOG = Logger.getLogger(FragmentClient.class);

    private final UpstreamClients clients;
    private final GatewayMetrics metrics;

    public FragmentClient(UpstreamClients clients, GatewayMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
    }

    /**
     * GET {@code pathAndQuery} on {@code upstream}; {@code slot} names the call in metrics and logs.
     * The timer starts at subscription, so building the Uni early costs nothing.
     */
    public Uni<FragmentResult> fetch(Upstream upstream, String slot, String pathAndQuery) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            Uni<HttpResponse<Buffer>> send = clients.get(upstream, pathAndQuery).send();
            return Deadline.within(send, clients.timeoutMillis(upstream), clients.vertx(),
                            upstream.serviceName() + " " + pathAndQuery)
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

    private static FragmentResult answered(Upstream upstream, String slot, HttpResponse<Buffer> response, long nanos) {
        int status = response.statusCode();
        FragmentResult.Outcome outcome;
        if (status >= 200 && status < 300) {
            outcome = FragmentResult.Outcome.OK;
        } else if (status == 404 || status == 410) {
            outcome = FragmentResult.Outcome.NOT_FOUND;
        } else {
            outcome = FragmentResult.Outcome.ERROR_STATUS;
        }
        MultiMap headers = response.headers().getDelegate();
        Buffer body = response.body();
        return new FragmentResult(upstream, slot, outcome, status, body == null ? "" : body.toString(),
                joined(headers, HttpHeaders.CACHE_CONTROL.toString()), joined(headers, FragmentHeaders.SURROGATE_KEY),
                headers.get(FragmentHeaders.FRAGMENT_TITLE), nanos, headers.contains(HttpHeaders.SET_COOKIE));
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
