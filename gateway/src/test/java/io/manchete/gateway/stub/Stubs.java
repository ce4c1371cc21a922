package io.manchete.gateway.stub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Test-side remote control of {@link StubUpstreams} (plain HTTP, so no class-loader coupling). */
public final class Stubs {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Stubs() {
    }

    public static void reset() {
        send("POST", "/__stub/reset", "");
    }

    /** A rule for one service and path ({@code /p} matches any query; {@code /p?q} only that one). */
    public static Rule on(String service, String path) {
        return new Rule(service, path);
    }

    public static List<JsonObject> requests() {
        JsonArray array = new JsonArray(send("GET", "/__stub/requests", null));
        return array.stream().map(JsonObject.class::cast).collect(Collectors.toList());
    }

    public static List<JsonObject> requests(String service, String method, String uriPrefix) {
        return requests().stream()
                .filter(r -> r.getString("service").equals(service) && r.getString("method").equals(method)
                        && r.getString("uri").startsWith(uriPrefix))
                .collect(Collectors.toList());
    }

    public static JsonObject stats() {
        return new JsonObject(send("GET", "/__stub/stats", null));
    }

    public static final class Rule {
        private final JsonObject json;

        Rule(String service, String path) {
            json = new JsonObject().put("service", service).put("path", path);
        }

        public Rule status(int status, String body) {
            json.put("status", status).put("body", body);
            return this;
        }

        public Rule header(String name, String value) {
            json.put("headers", json.getJsonObject("headers", new JsonObject()).put(name, value));
            return this;
        }

        public Rule delay(long millis) {
            json.put("delayMs", millis);
            return this;
        }

        /** Close the connection instead of answering (the service is down). */
        public Rule down() {
            json.put("reset", true);
            return this;
        }

        /** Apply the rule to the next {@code count} requests only, then answer as usual again. */
        public Rule times(int count) {
            json.put("times", count);
            return this;
        }

        /** Hold the answer until {@code partners} held requests are in flight at once. */
        public Rule hold(int partners) {
            json.put("hold", partners);
            return this;
        }

        public void install() {
            send("POST", "/__stub/rules", json.encode());
        }
    }

    private static String send(String method, String path, String body) {
        String base = ConfigProvider.getConfig().getValue("manchete.services.page.url", String.class);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("stub control " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
