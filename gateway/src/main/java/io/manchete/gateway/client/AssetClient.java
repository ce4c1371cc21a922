package io.manchete.gateway.client;

import io.manchete.gateway.metrics.GatewayMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;

/** Hashed assets ({@code /assets/site.<hash>.css}) from page-service, passed through conditionally. */
@ApplicationScoped
public class AssetClient {
    private final UpstreamClients clients;
    private final GatewayMetrics metrics;

    public AssetClient(UpstreamClients clients, GatewayMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
    }

    /** The upstream answer as it is (any status); fails on timeout or connection failure. */
    public Uni<HttpResponse<Buffer>> get(String name, String ifNoneMatch) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            HttpRequest<Buffer> request = clients.get(Upstream.PAGE, "/assets/" + name);
            if (ifNoneMatch != null) {
                request.putHeader(HttpHeaders.IF_NONE_MATCH.toString(), ifNoneMatch);
            }
            return Deadline.within(request.send(), clients.timeoutMillis(Upstream.PAGE), clients.vertx(),
                            "page /assets/" + name)
                    .onItemOrFailure().invoke((response, failure) -> metrics.fragment(Upstream.PAGE.serviceName(),
                            "asset", outcome(response, failure), System.nanoTime() - start));
        });
    }

    private static String outcome(HttpResponse<Buffer> response, Throwable failure) {
        if (failure != null) {
            return failure instanceof java.util.concurrent.TimeoutException
                    ? FragmentResult.Outcome.TIMEOUT.tag() : FragmentResult.Outcome.FAILED.tag();
        }
        int status = response.statusCode();
        if (status < 400) {
            return FragmentResult.Outcome.OK.tag();
        }
        return status == 404 || status == 410 ? FragmentResult.Outcome.NOT_FOUND.tag()
                : FragmentResult.Outcome.ERROR_STATUS.tag();
    }
}
