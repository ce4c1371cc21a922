package io.manchete.gateway.client;

import io.manchete.gateway.metrics.GatewayMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Forwards a reader's comment to comments-service. */
@ApplicationScoped
public class CommentsClient {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final UpstreamClients clients;
    private final GatewayMetrics metrics;

    public CommentsClient(UpstreamClients clients, GatewayMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
    }

    /** The answer of comments-service: its status and, for a problem, its {@code detail}. */
    public record Posted(int status, String problemDetail) {
        public boolean stored() {
            return status == 200 || status == 201;
        }
    }

    /**
     * POST {@code {author, body}} to {@code /api/v1/articles/{slug}/comments}. Fails on timeout or
     * connection failure; any HTTP answer is an item.
     */
    public Uni<Posted> post(String slug, String author, String body, String idempotencyKey) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            String path = "/api/v1/articles/" + URLEncoder.encode(slug, StandardCharsets.UTF_8) + "/comments";
            Uni<HttpResponse<Buffer>> send = clients.post(Upstream.COMMENTS, path)
                    .putHeader(IDEMPOTENCY_KEY, idempotencyKey)
                    .putHeader("Accept", "application/json, application/problem+json")
                    .sendJsonObject(new JsonObject().put("author", author).put("body", body));
            return Deadline.within(send, clients.writeTimeoutMillis(Upstream.COMMENTS), clients.vertx(),
                            "comments POST " + path)
                    .map(response -> new Posted(response.statusCode(),
                            response.statusCode() >= 400 ? problemDetail(response) : null))
                    .onItemOrFailure().invoke((posted, failure) -> metrics.fragment(Upstream.COMMENTS.serviceName(),
                            "comment-post", failure != null ? (failure instanceof java.util.concurrent.TimeoutException
                                    ? "timeout" : "failed") : (posted.status() < 400 ? "ok" : "error_status"),
                            System.nanoTime() - start));
        });
    }

    private static String problemDetail(HttpResponse<Buffer> response) {
        Buffer body = response.body();
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            JsonObject problem = new JsonObject(body.getDelegate());
            String detail = problem.getString("detail");
            return detail != null ? detail : problem.getString("title");
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
