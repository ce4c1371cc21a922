package io.manchete.gateway.client;

import io.manchete.gateway.metrics.GatewayMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Forwards a reader's comment to comments-service, through the comment-write guard
 * ({@value UpstreamGuards#COMMENT_WRITES}: breaker, {@code write-timeout}, bulkhead — never retried,
 * a POST is not idempotent) and in a client span of its own.
 */
@ApplicationScoped
public class CommentsClient {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final UpstreamClients clients;
    private final UpstreamGuards guards;
    private final UpstreamSpans spans;
    private final GatewayMetrics metrics;

    public CommentsClient(UpstreamClients clients, UpstreamGuards guards, UpstreamSpans spans, GatewayMetrics metrics) {
        this.clients = clients;
        this.guards = guards;
        this.spans = spans;
        this.metrics = metrics;
    }

    /** The answer of comments-service: its status and, for a problem, its {@code detail}. */
    public record Posted(int status, String problemDetail) {
        public boolean stored() {
            return status == 200 || status == 201;
        }
    }

    /**
     * POST {@code {author, body}} to {@code /api/v1/articles/{slug}/comments}. Fails on 5xx, timeout,
     * connection failure or an open breaker; any other HTTP answer is an item.
     */
    public Uni<Posted> post(String slug, String author, String body, String idempotencyKey) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            String path = "/api/v1/articles/" + URLEncoder.encode(slug, StandardCharsets.UTF_8) + "/comments";
            Span span = spans.start("POST", Upstream.COMMENTS, "comment-post", path);
            Context trace = Context.current().with(span);
            JsonObject json = new JsonObject().put("author", author).put("body", body);
            return guards.writeComment(() -> {
                        HttpRequest<Buffer> request = clients.post(Upstream.COMMENTS, path)
                                .putHeader(IDEMPOTENCY_KEY, idempotencyKey)
                                .putHeader("Accept", "application/json, application/problem+json");
                        spans.inject(trace, request);
                        return request.sendJsonObject(json)
                                .map(response -> FragmentClient.checked(Upstream.COMMENTS, path, response));
                    })
                    .map(response -> new Posted(response.statusCode(),
                            response.statusCode() >= 400 ? problemDetail(response) : null))
                    .onItemOrFailure().invoke((posted, failure) -> {
                        FragmentResult.Outcome outcome = failure != null ? FragmentResult.outcomeOf(failure)
                                : posted.status() < 400 ? FragmentResult.Outcome.OK : FragmentResult.Outcome.ERROR_STATUS;
                        long nanos = System.nanoTime() - start;
                        metrics.fragment(Upstream.COMMENTS.serviceName(), "comment-post", outcome.tag(), nanos);
                        UpstreamSpans.end(span, new FragmentResult(Upstream.COMMENTS, "comment-post", outcome,
                                posted != null ? posted.status()
                                        : failure instanceof UpstreamStatusException e ? e.status() : 0,
                                null, null, null, null, nanos), null);
                    });
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
