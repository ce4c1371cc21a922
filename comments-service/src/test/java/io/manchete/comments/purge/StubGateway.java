package io.manchete.comments.purge;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the gateway's purge API on a free port: records every {@code POST /internal/v1/purge}
 * (Authorization header, JSON body, the status it answered) and answers 204, or whatever status the
 * test set. Tests drive it over HTTP, so no state is shared across class loaders:
 * {@code GET /_stub/requests} (the recorded requests, oldest first) and {@code PUT /_stub/status}
 * (body: the status to answer from now on).
 */
public class StubGateway implements QuarkusTestResourceLifecycleManager {
    private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String url = "http://127.0.0.1:" + server.actualPort();
            return Map.of("manchete.purge.gateway-url", url, "%test.manchete.purge.gateway-url", url);
        } catch (Exception e) {
            throw new IllegalStateException("stub gateway did not start", e);
        }
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            String path = request.path();
            if (request.method() == HttpMethod.POST && path.equals("/internal/v1/purge")) {
                int answer = status;
                requests.add(new JsonObject()
                        .put("authorization", request.getHeader("Authorization"))
                        .put("body", body.toString())
                        .put("status", answer));
                request.response().setStatusCode(answer).end();
            } else if (request.method() == HttpMethod.GET && path.equals("/_stub/requests")) {
                request.response().putHeader("Content-Type", "application/json").end(new JsonArray(List.copyOf(requests)).encode());
            } else if (request.method() == HttpMethod.PUT && path.equals("/_stub/status")) {
                status = Integer.parseInt(body.toString().trim());
                request.response().setStatusCode(204).end();
            } else {
                request.response().setStatusCode(404).end();
            }
        });
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
