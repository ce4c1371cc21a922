package io.manchete.gateway.client;

import io.manchete.gateway.metrics.GatewayMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Hashed assets ({@code /assets/site.<hash>.css}) from page-service, passed through conditionally,
 * through page-service's guard ({@link UpstreamGuards}) and in a client span of their own.
 */
@ApplicationScoped
public class AssetClient {
    private final UpstreamClients clients;
    private final UpstreamGuards guards;
    private final UpstreamSpans spans;
    private final GatewayMetrics metrics;

    public AssetClient(UpstreamClients clients, UpstreamGuards guards, UpstreamSpans spans, GatewayMetrics metrics) {
        this.clients = clients;
        this.guards = guards;
        this.spans = spans;
        this.metrics = metrics;
    }

    /** The upstream answer as it is (below 500); fails on 5xx, timeout, connection failure, open breaker. */
    public Uni<HttpResponse<Buffer>> get(String name, String ifNoneMatch) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            String path = "/assets/" + name;
            Span span = spans.start("GET", Upstream.PAGE, "asset", path);
            Context trace = Context.current().with(span);
            return guards.read(Upstream.PAGE, () -> {
                        HttpRequest<Buffer> request = clients.get(Upstream.PAGE, path);
                        if (ifNoneMatch != null) {
                            request.putHeader(HttpHeaders.IF_NONE_MATCH.toString(), ifNoneMatch);
                        }
                        spans.inject(trace, request);
                        return request.send().map(response -> FragmentClient.checked(Upstream.PAGE, path, response));
                    })
                    .onItemOrFailure().invoke((response, failure) -> {
                        FragmentResult.Outcome outcome = outcome(response, failure);
                        long nanos = System.nanoTime() - start;
                        metrics.fragment(Upstream.PAGE.serviceName(), "asset", outcome.tag(), nanos);
                        UpstreamSpans.end(span, new FragmentResult(Upstream.PAGE, "asset", outcome,
                                response != null ? response.statusCode()
                                        : failure instanceof UpstreamStatusException e ? e.status() : 0,
                                null, null, null, null, nanos), null);
                    });
        });
    }

    private static FragmentResult.Outcome outcome(HttpResponse<Buffer> response, Throwable failure) {
        if (failure != null) {
            return FragmentResult.outcomeOf(failure);
        }
        int status = response.statusCode();
        if (status < 400) {
            return FragmentResult.Outcome.OK;
        }
        return status == 404 || status == 410 ? FragmentResult.Outcome.NOT_FOUND : FragmentResult.Outcome.ERROR_STATUS;
    }
}
