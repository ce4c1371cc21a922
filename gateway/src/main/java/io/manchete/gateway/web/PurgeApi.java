package io.manchete.gateway.web;

import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.gateway.cache.OnContext;
import io.manchete.gateway.cache.TagVersions;
import io.manchete.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Active expiration, receiving side: {@code POST /internal/v1/purge} with
 * {@code {"tags": ["article:x", …], "source": "content-service"}} and
 * {@code Authorization: Bearer <manchete.purge.token>} gives every tag a new version in
 * {@code gateway-tags}, which makes every cached page and fragment built from an older version
 * stale in every gateway. Answers {@code 204} only once Infinispan acknowledged every write, else
 * {@code 503} — the services' outbox relays keep the purge and retry. Errors are
 * {@code application/problem+json}: 400 (not the JSON described), 401 (no bearer token), 403 (wrong
 * token), 413 (body too large).
 */
@ApplicationScoped
public class PurgeApi {
    public static final String PATH = "/internal/v1/purge";
    static final String PROBLEM_JSON = "application/problem+json";
    static final int MAX_TAG_LENGTH = 512;
    private static final String START = "manchete.start";
    private static final Logger LOG = Logger.getLogger(PurgeApi.class);

    private final TagVersions tagVersions;
    private final GatewayCaches caches;
    private final byte[] token;
    private final long timeoutMillis;
    private final long maxBodyBytes;
    private final int maxTags;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final Counter purgedTags;
    private final AccessLog accessLog;

    public PurgeApi(TagVersions tagVersions, GatewayCaches caches, GatewayConfig config, MeterRegistry registry,
                    AccessLog accessLog) {
        this.accessLog = accessLog;
        this.tagVersions = tagVersions;
        this.caches = caches;
        this.token = config.purge().token().getBytes(StandardCharsets.UTF_8);
        this.timeoutMillis = config.purge().timeout().toMillis();
        this.maxBodyBytes = config.purge().maxBodyBytes();
        this.maxTags = config.purge().maxTags();
        this.registry = registry;
        this.purgedTags = Counter.builder("manchete.purge.tags").description("Tags given a new version by purges")
                .register(registry);
    }

    /** Registers the routes; called by {@link GatewayRoutes} before the page routes. */
    void register(Router router) {
        router.route(PATH).handler(ctx -> {
            ctx.put(START, System.nanoTime());
            AccessLog.route(PATH);
            ctx.next();
        });
        router.post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .handler(this::purge)
                .failureHandler(this::failure);
        router.route(PATH).handler(ctx -> {
            ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
            problem(ctx, 405, "Method Not Allowed", "Use POST.", "method_not_allowed");
        });
    }

    private void purge(RoutingContext ctx) {
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            problem(ctx, 401, "Unauthorized", "A bearer token is required.", "unauthorized");
            return;
        }
        byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, token)) {
            problem(ctx, 403, "Forbidden", "This token may not purge.", "forbidden");
            return;
        }
        Set<String> tags = new LinkedHashSet<>();
        String source;
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            Object value = body.getValue("tags");
            if (!(value instanceof JsonArray array)) {
                throw new IllegalArgumentException("\"tags\" must be an array of strings");
            }
            if (array.size() > maxTags) {
                throw new IllegalArgumentException("at most " + maxTags + " tags per purge");
            }
            for (Object tag : array) {
                if (!(tag instanceof String text) || !isTag(text)) {
                    throw new IllegalArgumentException("every tag must be a non-empty string without spaces, at most "
                            + MAX_TAG_LENGTH + " characters");
                }
                tags.add(text);
            }
            Object from = body.getValue("source");
            if (from != null && !(from instanceof String)) {
                throw new IllegalArgumentException("\"source\" must be a string");
            }
            source = from == null ? "unknown" : (String) from;
        } catch (RuntimeException bad) { // DecodeException, IllegalArgumentException, ClassCastException
            String detail = bad instanceof IllegalArgumentException ? bad.getMessage() : "the body is not a JSON object";
            problem(ctx, 400, "Bad Request", detail, "bad_request");
            return;
        }
        Context context = Vertx.currentContext();
        CompletableFuture<Void> written;
        // while the caches are out of use after a failure, refused without a call: the probe brings them
        // back (an empty restarted server: creates them again) and the outboxes deliver the purge then
        boolean usable = caches.available();
        try {
            written = usable ? tagVersions.purge(tags, timeoutMillis)
                    : CompletableFuture.failedFuture(new IllegalStateException("the caches are not available"));
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        OnContext.whenComplete(written, context, (ignored, failure) -> {
            if (failure != null) {
                if (usable) {
                    caches.failed(GatewayCaches.TAGS, "purge", failure);
                }
                ctx.response().putHeader("Retry-After", "1");
                problem(ctx, 503, "Service Unavailable", "The purge could not be recorded; try again.", "unavailable");
                return;
            }
            caches.succeeded();
            purgedTags.increment(tags.size());
            LOG.debugf("Purged %d tags from %s: %s", tags.size(), source, tags);
            count("ok");
            if (!ctx.response().closed()) {
                String traceId = AccessLog.traceHeader(ctx.response());
                logged(ctx, 204, traceId);
                ctx.response().setStatusCode(204).end();
            }
        }, ctx::fail);
    }

    private void failure(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ctx.statusCode() == 413) {
            problem(ctx, 413, "Payload Too Large", "The purge body is larger than " + maxBodyBytes + " bytes.",
                    "too_large");
        } else if (ctx.statusCode() == 400) {
            problem(ctx, 400, "Bad Request", "The request could not be read.", "bad_request");
        } else {
            LOG.errorf(ctx.failure(), "Purge failed unexpectedly");
            problem(ctx, 500, "Internal Server Error", "The purge failed.", "error");
        }
    }

    static boolean isTag(String tag) {
        if (tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private void problem(RoutingContext ctx, int status, String title, String detail, String result) {
        count(result);
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        String traceId = AccessLog.traceHeader(response);
        logged(ctx, status, traceId);
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                        .put("detail", detail).put("instance", PATH).encode());
    }

    private void logged(RoutingContext ctx, int status, String traceId) {
        Long start = ctx.get(START);
        accessLog.log(ctx.request(), PATH, status, start == null ? 0 : System.nanoTime() - start, null, traceId);
    }

    private void count(String result) {
        requests.computeIfAbsent(result, r -> Counter.builder("manchete.purge.requests")
                .description("Purge API requests by result").tag("result", r).register(registry)).increment();
    }
}
