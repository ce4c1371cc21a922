package io.manchete.launcher.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.manchete.launcher.bench.Json;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A stand-in for the gateway's purge API on a free port: records every {@code POST /internal/v1/purge}
 * (Authorization header, JSON body, the status it answered) and answers 204, or whatever status the
 * test set. Tests drive it over HTTP, so no state is shared across class loaders:
 * {@code GET /_stub/requests} (the recorded requests, oldest first, as a JSON array of
 * {@code {"authorization", "body", "status"}}) and {@code PUT /_stub/status} (body: the status to
 * answer from now on). Sets {@code manchete.purge.gateway-url} to itself.
 */
public class StubGateway implements QuarkusTestResourceLifecycleManager {
    private record Recorded(String authorization, String body, int status) {
        String json() {
            return "{\"authorization\":" + string(authorization) + ",\"body\":" + string(body) + ",\"status\":" + status + "}";
        }
    }

    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            return Map.of("manchete.purge.gateway-url", url, "%test.manchete.purge.gateway-url", url);
        } catch (Exception e) {
            throw new IllegalStateException("stub gateway did not start", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (method.equals("POST") && path.equals("/internal/v1/purge")) {
                int answer = status;
                requests.add(new Recorded(exchange.getRequestHeaders().getFirst("Authorization"), body, answer));
                exchange.sendResponseHeaders(answer, -1);
            } else if (method.equals("GET") && path.equals("/_stub/requests")) {
                byte[] json = requests.stream().map(Recorded::json).collect(Collectors.joining(",", "[", "]"))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(json);
                }
            } else if (method.equals("PUT") && path.equals("/_stub/status")) {
                status = Integer.parseInt(body.trim());
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static String string(String value) {
        return value == null ? "null" : Json.quote(value);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
