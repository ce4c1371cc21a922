package io.manchete.gateway.stub;

import io.manchete.gateway.client.FragmentHeaders;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Three stub upstreams (page-service, content-service, comments-service) on free loopback ports,
 * serving canned layouts and fragments per docs/contracts.md. Tests steer them over HTTP (see
 * {@link Stubs}), which keeps them independent of class loaders: {@code POST /__stub/reset},
 * {@code POST /__stub/rules} (per service and path: status, body, headers, delay, connection reset,
 * hold-until-N-concurrent), {@code GET /__stub/requests}, {@code GET /__stub/stats}.
 */
public class StubUpstreams implements QuarkusTestResourceLifecycleManager {
    public static final String ASSET = "site.0123456789ab.css";
    public static final String ASSET_ETAG = "\"css-1\"";
    public static final String ARTICLE_TITLE = "Hello <World> & café";
    public static final Set<String> ARTICLES = Set.of("hello-world", "second-story");
    /** Any slug with this prefix is a published article of the stub too (tests use fresh ones). */
    public static final String STORY_PREFIX = "story-";
    public static final Set<String> SECTIONS = Set.of("world", "politics");
    /** How long a held request waits for its partners before it is answered anyway. */
    static final long HOLD_FALLBACK_MS = 3000;

    private Vertx vertx;
    private final State state = new State();

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        Map<String, String> config = new HashMap<>();
        for (String service : List.of("page", "content", "comments")) {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(request -> handle(service, request));
            try {
                server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("stub " + service + " did not start", e);
            }
            config.put("manchete.services." + service + ".url", "http://127.0.0.1:" + server.actualPort());
        }
        return config;
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    // ------------------------------------------------------------------ state

    static final class Rule {
        final int status;
        final String body;
        final JsonObject headers;
        final long delayMs;
        final boolean reset;
        final int hold;
        /** Applies this often, then no more (0: always). */
        final java.util.concurrent.atomic.AtomicInteger remaining;
        final boolean limited;

        Rule(JsonObject json) {
            status = json.getInteger("status", 0);
            body = json.getString("body");
            headers = json.getJsonObject("headers", new JsonObject());
            delayMs = json.getLong("delayMs", 0L);
            reset = json.getBoolean("reset", false);
            hold = json.getInteger("hold", 0);
            int times = json.getInteger("times", 0);
            limited = times > 0;
            remaining = new java.util.concurrent.atomic.AtomicInteger(times);
        }

        /** Whether the rule applies to this request (a limited rule counts down). */
        boolean applies() {
            return !limited || remaining.getAndDecrement() > 0;
        }
    }

    static final class State {
        final Map<String, Rule> rules = new ConcurrentHashMap<>();
        final List<JsonObject> requests = new CopyOnWriteArrayList<>();
        final Set<String> idempotencyKeys = ConcurrentHashMap.newKeySet();
        final List<Runnable> held = new ArrayList<>();
        int inFlight;
        int maxInFlight;
        int maxHeld;

        synchronized void reset() {
            rules.clear();
            requests.clear();
            idempotencyKeys.clear();
            held.clear();
            inFlight = 0;
            maxInFlight = 0;
            maxHeld = 0;
        }

        synchronized void started() {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
        }

        synchronized void finished() {
            inFlight = Math.max(0, inFlight - 1);
        }
    }

    record Answer(int status, String body, Map<String, String> headers) {
    }

    // ------------------------------------------------------------------ handling

    private void handle(String service, HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (request.path().startsWith("/__stub/")) {
                control(request, body);
                return;
            }
            JsonObject seen = new JsonObject().put("service", service).put("method", request.method().name())
                    .put("uri", request.uri()).put("body", body.toString());
            JsonObject headers = new JsonObject();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            seen.put("headers", headers);
            state.requests.add(seen);
            state.started();
            Rule rule = state.rules.get(service + " " + request.uri());
            if (rule == null) {
                rule = state.rules.get(service + " " + request.path());
            }
            if (rule != null && !rule.applies()) {
                rule = null;
            }
            Rule applied = rule;
            Runnable respond = () -> {
                state.finished();
                if (applied != null && applied.reset) {
                    request.connection().close();
                    return;
                }
                Answer answer = applied != null && applied.status > 0
                        ? new Answer(applied.status, applied.body == null ? "" : applied.body, toMap(applied.headers))
                        : defaults(service, request, body.toString());
                request.response().setStatusCode(answer.status());
                answer.headers().forEach(request.response()::putHeader);
                if (applied != null) {
                    toMap(applied.headers).forEach(request.response()::putHeader);
                }
                request.response().end(answer.body());
            };
            if (rule == null) {
                respond.run();
            } else if (rule.hold > 0) {
                hold(rule.hold, delayed(rule.delayMs, respond));
            } else {
                delayed(rule.delayMs, respond).run();
            }
        });
    }

    private Runnable delayed(long delayMs, Runnable respond) {
        return delayMs <= 0 ? respond : () -> vertx.setTimer(delayMs, id -> respond.run());
    }

    /** Answers once {@code partners} held requests are in flight at the same time (or after a fallback). */
    private void hold(int partners, Runnable respond) {
        List<Runnable> release = new ArrayList<>();
        boolean[] done = {false};
        Runnable once = () -> {
            synchronized (done) {
                if (done[0]) {
                    return;
                }
                done[0] = true;
            }
            respond.run();
        };
        synchronized (state) {
            state.held.add(once);
            state.maxHeld = Math.max(state.maxHeld, state.held.size());
            if (state.held.size() >= partners) {
                release.addAll(state.held);
                state.held.clear();
            }
        }
        if (release.isEmpty()) {
            vertx.setTimer(HOLD_FALLBACK_MS, id -> {
                synchronized (state) {
                    state.held.remove(once);
                }
                once.run();
            });
        } else {
            release.forEach(Runnable::run);
        }
    }

    private void control(HttpServerRequest request, Buffer body) {
        switch (request.path()) {
            case "/__stub/reset":
                state.reset();
                request.response().setStatusCode(204).end();
                break;
            case "/__stub/rules":
                JsonObject rule = body.toJsonObject();
                state.rules.put(rule.getString("service") + " " + rule.getString("path"), new Rule(rule));
                request.response().setStatusCode(204).end();
                break;
            case "/__stub/requests":
                request.response().putHeader("Content-Type", "application/json")
                        .end(new JsonArray(new ArrayList<>(state.requests)).encode());
                break;
            case "/__stub/stats":
                JsonObject stats;
                synchronized (state) {
                    stats = new JsonObject().put("maxInFlight", state.maxInFlight).put("maxHeld", state.maxHeld);
                }
                request.response().putHeader("Content-Type", "application/json").end(stats.encode());
                break;
            default:
                request.response().setStatusCode(404).end();
        }
    }

    private static Map<String, String> toMap(JsonObject json) {
        Map<String, String> map = new HashMap<>();
        json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
        return map;
    }

    // ------------------------------------------------------------------ canned answers

    private Answer defaults(String service, HttpServerRequest request, String body) {
        String path = request.path();
        switch (service) {
            case "page":
                return page(request, path);
            case "content":
                return content(request, path);
            default:
                return comments(request, path, body);
        }
    }

    private static Answer page(HttpServerRequest request, String path) {
        if (path.equals("/api/v1/layouts/home")) {
            return layout(homeLayout());
        }
        if (path.startsWith("/api/v1/layouts/section/") && SECTIONS.contains(last(path))) {
            return layout(sectionLayout(last(path)));
        }
        if (path.startsWith("/api/v1/layouts/article/") && SECTIONS.contains(last(path))) {
            return layout(articleLayout(last(path)));
        }
        if (path.equals("/assets/" + ASSET)) {
            Map<String, String> headers = new HashMap<>();
            headers.put("Cache-Control", "public, max-age=31536000, immutable");
            headers.put("ETag", ASSET_ETAG);
            headers.put("Last-Modified", "Wed, 01 Jan 2025 00:00:00 GMT");
            if (ASSET_ETAG.equals(request.getHeader("If-None-Match"))) {
                return new Answer(304, "", headers);
            }
            headers.put("Content-Type", "text/css");
            return new Answer(200, "body{color:#222}", headers);
        }
        return problem(404, "Not Found", "nothing at " + path);
    }

    private static Answer content(HttpServerRequest request, String path) {
        if (path.startsWith("/fragments/article/")) {
            String slug = last(path);
            if (!ARTICLES.contains(slug) && !slug.startsWith(STORY_PREFIX)) {
                return notFoundFragment();
            }
            Map<String, String> headers = fragmentHeaders(60, "article:" + slug + " section:world");
            String title = slug.equals("hello-world") ? ARTICLE_TITLE : slug.equals("second-story") ? "Second story" : slug;
            headers.put(FragmentHeaders.FRAGMENT_TITLE,
                    URLEncoder.encode(title, StandardCharsets.UTF_8).replace("+", "%20"));
            return new Answer(200, "<div class=\"article-body\" data-slug=\"" + slug + "\"><p>Body of " + slug
                    + "</p></div>", headers);
        }
        if (path.equals("/fragments/teasers")) {
            String section = request.getParam("section");
            String slugs = request.getParam("slugs");
            String tags = section != null ? "section:" + section
                    : String.join(" ", java.util.Arrays.stream(slugs.split(",")).map(s -> "article:" + s).toList());
            return new Answer(200, "<ul class=\"teasers\" data-query=\"" + escape(request.query()) + "\"><li>"
                    + escape(request.getParam("heading")) + "</li></ul>", fragmentHeaders(30, tags));
        }
        return notFoundFragment();
    }

    private Answer comments(HttpServerRequest request, String path, String body) {
        if (path.startsWith("/fragments/comments/")) {
            String slug = last(path);
            return new Answer(200, "<section class=\"comments\" data-slug=\"" + slug + "\" data-section=\""
                    + escape(request.getParam("section")) + "\"><p>0 comments</p></section>",
                    fragmentHeaders(45, "comments:" + slug));
        }
        if (path.startsWith("/api/v1/articles/") && path.endsWith("/comments") && request.method().name().equals("POST")) {
            String key = request.getHeader("Idempotency-Key");
            boolean repeat = key != null && !state.idempotencyKeys.add(key);
            Map<String, String> headers = new HashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Location", path + "/1");
            return new Answer(repeat ? 200 : 201, new JsonObject(body).put("id", 1).encode(), headers);
        }
        return notFoundFragment();
    }

    private static Map<String, String> fragmentHeaders(int maxAge, String tags) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "text/html;charset=UTF-8");
        headers.put("Cache-Control", cacheControl(maxAge));
        headers.put(FragmentHeaders.SURROGATE_KEY, tags);
        headers.put("ETag", "\"" + Integer.toHexString(tags.hashCode()) + "\"");
        return headers;
    }

    /** What the services send (commons {@code FragmentHeaders.cacheControl}). */
    public static String cacheControl(int maxAge) {
        return "public, max-age=" + maxAge + ", stale-while-revalidate=" + Math.max(5, maxAge) + ", stale-if-error=86400";
    }

    private static Answer notFoundFragment() {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "text/html;charset=UTF-8");
        headers.put("Cache-Control", "public, max-age=10");
        return new Answer(404, "<p>Not found</p>", headers);
    }

    private static Answer problem(int status, String title, String detail) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/problem+json");
        return new Answer(status, new JsonObject().put("type", "about:blank").put("title", title)
                .put("status", status).put("detail", detail).encode(), headers);
    }

    /** A layout with the headers page-service sends: Cache-Control from its maxAge, its tags as Surrogate-Key. */
    private static Answer layout(JsonObject body) {
        Answer answer = json(body);
        answer.headers().put("Cache-Control", cacheControl(body.getInteger("maxAge")));
        answer.headers().put(FragmentHeaders.SURROGATE_KEY, String.join(" ",
                body.getJsonArray("tags").stream().map(String::valueOf).toList()));
        return answer;
    }

    private static Answer json(JsonObject body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        return new Answer(200, body.encode(), headers);
    }

    // ------------------------------------------------------------------ canned layouts

    static final String HEAD = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title><!--manchete:title--></title>"
            + "<link rel=\"stylesheet\" href=\"/assets/" + ASSET + "\"></head><body><header><a href=\"/\">Manchete</a></header>";

    static JsonObject homeLayout() {
        return new JsonObject().put("route", "home").putNull("section").put("title", "Manchete")
                .put("template", HEAD + "<main><div id=\"top\"><!--manchete:slot:top--></div>"
                        + "<div id=\"world\"><!--manchete:slot:world--></div>"
                        + "<div id=\"politics\"><!--manchete:slot:politics--></div></main></body></html>")
                .put("slots", new JsonArray()
                        .add(slot("top", "content", "/fragments/teasers?slugs=hello-world,second-story&heading=Top%20stories", false))
                        .add(slot("world", "content", "/fragments/teasers?section=world&limit=5&heading=World", false))
                        .add(slot("politics", "content", "/fragments/teasers?section=politics&limit=5&heading=Politics", false)))
                .put("maxAge", 60)
                .put("tags", new JsonArray().add("shell").add("front:home"));
    }

    static JsonObject sectionLayout(String section) {
        String name = Character.toUpperCase(section.charAt(0)) + section.substring(1);
        return new JsonObject().put("route", "section").put("section", section).put("title", name + " · Manchete")
                .put("template", HEAD + "<main id=\"section-" + section + "\"><!--manchete:slot:teasers--></main></body></html>")
                .put("slots", new JsonArray()
                        .add(slot("teasers", "content", "/fragments/teasers?section={section}&limit=30&heading=" + name, true)))
                .put("maxAge", 20)
                .put("tags", new JsonArray().add("shell").add("section:" + section));
    }

    static JsonObject articleLayout(String section) {
        return new JsonObject().put("route", "article").put("section", section).put("title", "Article · Manchete")
                .put("template", HEAD + "<main><div id=\"main\"><!--manchete:slot:main--></div>"
                        + "<aside id=\"comments\"><!--manchete:slot:comments--></aside></main></body></html>")
                .put("slots", new JsonArray()
                        .add(slot("main", "content", "/fragments/article/{slug}", true))
                        .add(slot("comments", "comments", "/fragments/comments/{slug}?section={section}", false)))
                .put("maxAge", 300)
                .put("tags", new JsonArray().add("shell").add("section:" + section));
    }

    private static JsonObject slot(String name, String service, String path, boolean primary) {
        return new JsonObject().put("name", name).put("service", service).put("path", path).put("primary", primary);
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
