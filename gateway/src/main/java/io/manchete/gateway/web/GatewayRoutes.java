package io.manchete.gateway.web;

import io.manchete.gateway.cache.CacheEntry;
import io.manchete.gateway.cache.FragmentCache;
import io.manchete.gateway.cache.PageKeys;
import io.manchete.gateway.client.AssetClient;
import io.manchete.gateway.client.CommentsClient;
import io.manchete.gateway.client.FragmentHeaders;
import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.config.GatewayConfig;
import io.manchete.gateway.metrics.GatewayMetrics;
import io.manchete.gateway.page.Assembly;
import io.manchete.gateway.page.CacheControl;
import io.manchete.gateway.page.ETags;
import io.manchete.gateway.page.PageFlush;
import io.manchete.gateway.page.PageRoute;
import io.manchete.gateway.page.SlotPaths;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.function.Consumer;

/**
 * The gateway's HTTP surface, as plain Vert.x Web routes on Quarkus' router (no JAX-RS on the hot
 * path): pages (through the page cache, {@link PageDelivery}), the purge API ({@link PurgeApi}), the
 * asset proxy, the comment form, HTML error pages. Everything here runs on the event loop and never
 * blocks; {@code /q/*} is left to Quarkus.
 *
 * <p>Page answers carry {@code ETag}, {@code Age}, {@code Cache-Control: public, max-age=…} (for
 * browsers: at most {@code manchete.page-cache.browser-max-age} of freshness left),
 * {@code Surrogate-Control: max-age=…} (for the CDN: all the freshness left), both counted from the
 * page's {@code Age} as RFC 9111 does; {@code Surrogate-Key}, {@code Cache-Status} (RFC 9211) and
 * {@code Server-Timing}; every answer carries {@code X-Trace-Id} and gets an access log line
 * ({@link AccessLog}). A page that is assembled now (not served from the page cache) gets a
 * {@code 103 Early Hints} with the layout's preload {@code Link}s as soon as the layout is known —
 * before the fragments are fetched, so the browser loads CSS and JS meanwhile — and the same
 * {@code Link} on its final answer. The status is decided only once the primary fragment is there,
 * so a 404/410/503/redirect is still possible after the early hints. When the primary fragment is
 * there but a secondary one is late ({@code manchete.early-flush.after}), the page is streamed
 * ({@link StreamingPage}): {@code 200}, head, and the page up to the late fragment at once, the rest
 * as it arrives, {@code Server-Timing} as a trailer.
 */
@Singleton
public class GatewayRoutes {
    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);

    static final CharSequence TEXT_HTML = HttpHeaders.createOptimized("text/html;charset=UTF-8");
    static final CharSequence SERVER_TIMING = HttpHeaders.createOptimized("Server-Timing");
    static final CharSequence SURROGATE_KEY = HttpHeaders.createOptimized(FragmentHeaders.SURROGATE_KEY);
    static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
    static final CharSequence CACHE_STATUS = HttpHeaders.createOptimized("Cache-Status");
    static final CharSequence SURROGATE_CONTROL = HttpHeaders.createOptimized("Surrogate-Control");
    static final CharSequence PRAGMA = HttpHeaders.createOptimized("Pragma");
    static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    static final String RETRY_AFTER_SECONDS = "5";
    /** Lower case: HTTP/2 (h2c upgrades included) rejects upper-case names in 103 Early Hints. */
    static final CharSequence LINK = HttpHeaders.createOptimized("link");
    static final AttributeKey<String> PAGE_CACHE = AttributeKey.stringKey("manchete.page.cache");
    static final AttributeKey<String> PAGE_CACHE_STATUS = AttributeKey.stringKey("manchete.page.cache_status");
    static final String ROUTE_HOME = "/";
    static final String ROUTE_SECTION = "/{section}";
    static final String ROUTE_ARTICLE = "/{section}/{slug}";
    static final String ROUTE_ASSET = "/assets/{name}";
    static final String ROUTE_COMMENT = "/{section}/{slug}/comments";
    static final String ROUTE_OTHER = "/*";
    /** Quarkus' non-application root ({@code /q/health}, {@code /q/metrics}). */
    static final String QUARKUS_ROOT = "q";
    /** Every path that is not under {@code /q}. */
    static final String NOT_QUARKUS = "^/(?!q(?:/|$)).*";
    /** The first segment of the asset proxy's paths. */
    static final String ASSETS = "assets";

    private final PageDelivery delivery;
    private final PageKeys keys;
    private final PurgeApi purge;
    private final FragmentCache fragmentCache;
    private final AssetClient assets;
    private final CommentsClient comments;
    private final ErrorPages errorPages;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final long commentFormMaxBytes;
    private final boolean pageCacheEnabled;
    private final long browserMaxAge;
    private final boolean earlyHints;
    private final boolean earlyFlush;

    public GatewayRoutes(PageDelivery delivery, PageKeys keys, PurgeApi purge, FragmentCache fragmentCache, AssetClient assets, CommentsClient comments, ErrorPages errorPages,
                         GatewayMetrics metrics, AccessLog accessLog, GatewayConfig config) {
        this.delivery = delivery;
        this.keys = keys;
        this.purge = purge;
        this.fragmentCache = fragmentCache;
        this.assets = assets;
        this.comments = comments;
        this.errorPages = errorPages;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.commentFormMaxBytes = config.commentFormMaxBytes();
        this.pageCacheEnabled = config.pageCache().enabled();
        this.browserMaxAge = config.pageCache().browserMaxAge().toSeconds();
        this.earlyHints = config.earlyHints().enabled();
        this.earlyFlush = config.earlyFlush().enabled();
    }

    void init(@Observes Router router) {
        // first: the plain page paths readers ask for, matched by hand (no regex, no path-parameter
        // map); anything else goes on to the routes below, which answer the same pages too
        router.route().handler(this::plainPage);
        purge.register(router);
        router.route("/assets/:name").handler(this::asset);
        router.post("/:section/:slug/comments")
                .handler(BodyHandler.create(false).setBodyLimit(commentFormMaxBytes).setDeleteUploadedFilesOnEnd(true))
                .handler(this::comment);
        router.route("/:section/:slug/comments").handler(ctx -> {
            if (isQuarkus(ctx.pathParam("section"))) {
                ctx.next();
            } else {
                AccessLog.route(ROUTE_COMMENT);
                methodNotAllowed(ctx, "comment", "POST");
            }
        });
        router.route("/").handler(ctx -> page(ctx, PageRoute.HOME, null, null));
        router.route("/:section").handler(ctx -> page(ctx, PageRoute.SECTION, ctx.pathParam("section"), null));
        router.route("/:section/:slug").handler(ctx -> page(ctx, PageRoute.ARTICLE, ctx.pathParam("section"),
                ctx.pathParam("slug")));
        router.routeWithRegex(NOT_QUARKUS).handler(ctx -> {
            AccessLog.route(ROUTE_OTHER);
            error(ctx, "other", System.nanoTime(), 404, null);
        });
        router.routeWithRegex(NOT_QUARKUS).failureHandler(this::failure);
    }

    // ---------------------------------------------------------------- pages

    /**
     * The fast lane of the page routes: a {@code GET}/{@code HEAD} of {@code /}, {@code /section} or
     * {@code /section/slug} whose segments are already valid (so nothing to decode) is answered here;
     * every other request (other methods, {@code /q}, {@code /assets}, encoded or invalid segments,
     * trailing slashes, deeper paths) goes on to the routes that follow, unchanged.
     */
    private void plainPage(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!isRead(request.method())) {
            ctx.next();
            return;
        }
        String path = request.path();
        if ("/".equals(path)) {
            page(ctx, PageRoute.HOME, null, null);
            return;
        }
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            ctx.next();
            return;
        }
        int slash = path.indexOf('/', 1);
        String section = slash < 0 ? path.substring(1) : path.substring(1, slash);
        if (!Slugs.isSection(section) || isQuarkus(section) || ASSETS.equals(section)) {
            ctx.next();
            return;
        }
        if (slash < 0) {
            page(ctx, PageRoute.SECTION, section, null);
            return;
        }
        String slug = path.substring(slash + 1);
        if (Slugs.isSlug(slug)) {
            page(ctx, PageRoute.ARTICLE, section, slug);
        } else {
            ctx.next();
        }
    }

    private void page(RoutingContext ctx, PageRoute route, String section, String slug) {
        long start = System.nanoTime();
        if (isQuarkus(section)) {
            ctx.next();
            return;
        }
        AccessLog.route(template(route));
        if (!isRead(ctx.request().method())) {
            methodNotAllowed(ctx, route.tag(), "GET, HEAD");
            return;
        }
        if ((section != null && !Slugs.isSection(section)) || (route == PageRoute.ARTICLE && !Slugs.isSlug(slug))) {
            error(ctx, route.tag(), start, 404, null);
            return;
        }
        HttpServerRequest request = ctx.request();
        String key = keys.key(route, section, slug, request.query(), request.headers());
        PageDelivery.Mode mode = PageDelivery.Mode.NORMAL;
        String bypass = null;
        String cacheControl = request.getHeader(HttpHeaders.CACHE_CONTROL);
        if (!pageCacheEnabled) {
            mode = PageDelivery.Mode.BYPASS;
            bypass = "disabled";
        } else if (request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            mode = PageDelivery.Mode.BYPASS;
            bypass = "authorization";
        } else if (cacheControl != null) {
            CacheControl directives = CacheControl.parse(cacheControl);
            if (directives.noStore()) {
                mode = PageDelivery.Mode.BYPASS;
                bypass = "no-store";
            } else if (directives.noCache()) {
                mode = PageDelivery.Mode.REVALIDATE;
            }
        } else if ("no-cache".equalsIgnoreCase(request.getHeader(PRAGMA))) {
            mode = PageDelivery.Mode.REVALIDATE;
        }
        StreamingPage flush = (earlyHints || earlyFlush) && request.version() != HttpVersion.HTTP_1_0
                && request.method() == HttpMethod.GET ? new StreamingPage(ctx) : null;
        delivery.serve(new PageDelivery.PageRequest(route, section, slug, key, mode, bypass, flush),
                guarded(ctx, served -> writePage(ctx, route, served, start, flush)), ctx::fail);
    }

    /**
     * One page answer as the assembler sends it early: {@code 103 Early Hints}, and the streamed
     * start of a page whose secondary fragment is late ({@code private}: shared caches must not keep a
     * page whose late part may still become a placeholder, and nobody may store a personal one).
     */
    final class StreamingPage implements PageDelivery.StreamedFlush {
        private final RoutingContext ctx;
        /** The request's span, taken when an assembly starts (the flush may start on a timer). */
        private volatile Span span = Span.getInvalid();
        private volatile String cacheStatus = "Manchete; fwd=miss";
        /** Set once the answer has started (its trace id: the access log's). */
        private volatile String traceId;
        private volatile boolean begun;

        StreamingPage(RoutingContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void cacheStatus(String cacheStatus) {
            // called on the request's context as the page's assembly starts: a page-cache hit never gets here
            this.cacheStatus = cacheStatus;
            this.span = Span.current();
        }

        @Override
        public void hints(String links) {
            if (earlyHints) {
                earlyHints(ctx, links);
            }
        }

        @Override
        public boolean begin(PageFlush.Head head, String html) {
            HttpServerResponse response = ctx.response();
            if (!earlyFlush || response.headWritten() || response.closed() || response.ended()) {
                return false;
            }
            response.setChunked(true).setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, TEXT_HTML)
                    .putHeader(HttpHeaders.CACHE_CONTROL, head.personal() ? NO_STORE
                            : "private, max-age=" + Math.min(head.maxAge(), browserMaxAge))
                    .putHeader(CACHE_STATUS, cacheStatus);
            if (head.links() != null) {
                response.putHeader(LINK, head.links());
            }
            traceId = AccessLog.traceHeader(response, span);
            begun = true;
            metrics.pageStreamed();
            response.write(html);
            return true;
        }

        @Override
        public void write(String html) {
            HttpServerResponse response = ctx.response();
            if (!response.closed() && !response.ended()) {
                response.write(html);
            }
        }

        boolean begun() {
            return begun;
        }
    }

    static String template(PageRoute route) {
        switch (route) {
            case HOME:
                return ROUTE_HOME;
            case SECTION:
                return ROUTE_SECTION;
            default:
                return ROUTE_ARTICLE;
        }
    }

    /** {@code 103 Early Hints} with the layout's preload links, while the fragments are being fetched. */
    private static void earlyHints(RoutingContext ctx, String links) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten() || response.closed() || response.ended()) {
            return;
        }
        try {
            response.writeEarlyHints(MultiMap.caseInsensitiveMultiMap().add(LINK, links)).onFailure(failure ->
                    LOG.debugf("Early hints not sent: %s", failure.toString()));
        } catch (RuntimeException e) {
            // hints are an optimisation: a protocol that refuses them must not cost the page
            LOG.debugf("Early hints not sent: %s", e.toString());
        }
    }

    private void writePage(RoutingContext ctx, PageRoute route, PageDelivery.Served served, long start,
                           StreamingPage flush) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (flush != null && flush.begun()) {
            // streamed: head and body went out as the fragments arrived; the timing is known only now
            Span span = Span.current();
            if (span.isRecording()) {
                span.setAttribute(PAGE_CACHE, served.result().tag());
                span.setAttribute(PAGE_CACHE_STATUS, served.cacheStatus());
            }
            response.putTrailer(SERVER_TIMING, served.serverTiming());
            finished(ctx, route.tag(), template(route), 200, start, served.result().tag(), flush.traceId);
            response.end();
            return;
        }
        response.putHeader(CACHE_STATUS, served.cacheStatus());
        response.putHeader(SERVER_TIMING, served.serverTiming());
        Span span = Span.current();
        if (span.isRecording()) {
            span.setAttribute(PAGE_CACHE, served.result().tag());
            span.setAttribute(PAGE_CACHE_STATUS, served.cacheStatus());
        }
        if (served.links() != null) {
            response.putHeader(LINK, served.links());
        }
        CacheEntry entry = served.entry();
        if (entry == null) {
            Assembly.Unavailable unavailable = served.unavailable();
            if (unavailable.surrogateKey() != null && !unavailable.surrogateKey().isEmpty()) {
                response.putHeader(SURROGATE_KEY, unavailable.surrogateKey());
            }
            if (unavailable.status() == 404 || unavailable.status() == 410) {
                response.putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + unavailable.maxAge());
            }
            LOG.debugf("%s %s: %d (%s)", ctx.request().method(), ctx.request().path(), unavailable.status(),
                    unavailable.reason());
            error(ctx, route.tag(), start, unavailable.status(), null, null, null, served.result().tag());
            return;
        }
        if (!entry.surrogateKey().isEmpty()) {
            response.putHeader(SURROGATE_KEY, entry.surrogateKey());
        }
        if (served.personal()) {
            response.putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
        } else {
            // max-age counts from the page's age (RFC 9111 §4.2.3): a cache downstream keeps it for
            // max-age - Age more seconds — browsers at most browser-max-age, the CDN all that is left
            long now = System.currentTimeMillis();
            long age = entry.ageMillis(now) / 1000;
            long remaining = Math.max(0, entry.remainingSeconds(now));
            response.putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + (age + Math.min(remaining, browserMaxAge)))
                    .putHeader(SURROGATE_CONTROL, "max-age=" + (age + remaining))
                    .putHeader(HttpHeaders.AGE, Long.toString(age));
        }
        int status = entry.status();
        String etag = entry.etag();
        if (etag != null) {
            response.putHeader(HttpHeaders.ETAG, etag);
        }
        String traceId = AccessLog.traceHeader(response, span);
        if (status == 200 && etag != null && ETags.matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            finished(ctx, route.tag(), template(route), 304, start, served.result().tag(), traceId);
            response.setStatusCode(304).end();
        } else if (status == 301 || status == 308) {
            // a permanent redirect of the primary fragment: the Location is kept as the entry's title
            finished(ctx, route.tag(), template(route), status, start, served.result().tag(), traceId);
            response.setStatusCode(status).putHeader(HttpHeaders.LOCATION, entry.title()).end();
        } else {
            finished(ctx, route.tag(), template(route), status, start, served.result().tag(), traceId);
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, TEXT_HTML).end(entry.body());
        }
    }

    /**
     * Metrics and access log of a request about to be answered (before {@code end()}: the request's
     * span, and with it the log's trace id, ends with the answer).
     */
    private void finished(RoutingContext ctx, String routeTag, String template, int status, long start, String cache,
                          String traceId) {
        long nanos = System.nanoTime() - start;
        metrics.page(routeTag, status, nanos);
        accessLog.log(ctx.request(), template, status, nanos, cache, traceId);
    }

    private static String templateOf(String routeTag) {
        switch (routeTag) {
            case "home":
                return ROUTE_HOME;
            case "section":
                return ROUTE_SECTION;
            case "article":
                return ROUTE_ARTICLE;
            case "asset":
                return ROUTE_ASSET;
            case "comment":
                return ROUTE_COMMENT;
            default:
                return ROUTE_OTHER;
        }
    }

    // ---------------------------------------------------------------- assets

    private void asset(RoutingContext ctx) {
        long start = System.nanoTime();
        AccessLog.route(ROUTE_ASSET);
        if (!isRead(ctx.request().method())) {
            methodNotAllowed(ctx, "asset", "GET, HEAD");
            return;
        }
        String name = ctx.pathParam("name");
        if (!isAssetName(name)) {
            error(ctx, "asset", start, 404, null);
            return;
        }
        assets.get(name, ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH)).subscribe().with(
                guarded(ctx, upstream -> {
                    HttpServerResponse response = ctx.response();
                    if (response.closed()) {
                        return;
                    }
                    int status = upstream.statusCode();
                    MultiMap headers = upstream.headers().getDelegate();
                    if (status == 200 || status == 304) {
                        copy(headers, response, HttpHeaders.CACHE_CONTROL);
                        copy(headers, response, HttpHeaders.ETAG);
                        copy(headers, response, HttpHeaders.LAST_MODIFIED);
                        String traceId = AccessLog.traceHeader(response);
                        finished(ctx, "asset", ROUTE_ASSET, status, start, null, traceId);
                        response.setStatusCode(status);
                        if (status == 200) {
                            copy(headers, response, HttpHeaders.CONTENT_TYPE);
                            io.vertx.mutiny.core.buffer.Buffer body = upstream.body();
                            response.end(body == null ? Buffer.buffer() : body.getDelegate());
                        } else {
                            response.end();
                        }
                    } else if (status == 404 || status == 410) {
                        response.putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age="
                                + CacheControl.parse(headers.get(HttpHeaders.CACHE_CONTROL)).sharedMaxAge(10));
                        error(ctx, "asset", start, 404, null);
                    } else {
                        LOG.debugf("Asset %s: page-service answered %d", name, status);
                        error(ctx, "asset", start, 503, null);
                    }
                }),
                guarded(ctx, failure -> {
                    LOG.debugf("Asset %s: %s", name, failure.toString());
                    error(ctx, "asset", start, 503, null);
                }));
    }

    static boolean isAssetName(String name) {
        if (name == null || name.isEmpty() || name.length() > 200 || name.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- comments

    private void comment(RoutingContext ctx) {
        long start = System.nanoTime();
        String section = ctx.pathParam("section");
        String slug = ctx.pathParam("slug");
        if (isQuarkus(section)) {
            ctx.next();
            return;
        }
        AccessLog.route(ROUTE_COMMENT);
        if (!Slugs.isSection(section) || !Slugs.isSlug(slug)) {
            error(ctx, "comment", start, 404, null);
            return;
        }
        HttpServerRequest request = ctx.request();
        String author = orEmpty(request.getFormAttribute("author"));
        String body = orEmpty(request.getFormAttribute("body"));
        SocketAddress remote = request.remoteAddress();
        String client = remote == null || remote.host() == null ? "" : remote.host();
        String key = IdempotencyKeys.of(section, slug, author, body, client, System.currentTimeMillis() / 60_000);
        String article = "/" + section + "/" + slug;

        // Is there such an article? Asked of the fragment cache (the same entry the article page uses),
        // so a post costs content-service nothing in the common case, and a content-service that is
        // down or slow does not stop comments while the article's last good copy stands in.
        fragmentCache.get(Upstream.CONTENT, "comment-article", "/fragments/article/" + SlotPaths.encode(slug))
                .subscribe().with(guarded(ctx, part -> {
                    FragmentResult found = part.result();
                    if (found.outcome() == FragmentResult.Outcome.NOT_FOUND) {
                        error(ctx, "comment", start, 404, null);
                    } else if (!found.ok() && !part.stale()) {
                        error(ctx, "comment", start, 503, "Comments cannot be posted right now. Please try again.");
                    } else {
                        comments.post(slug, author, body, key).subscribe().with(
                                guarded(ctx, posted -> posted(ctx, start, article, posted)),
                                guarded(ctx, failure -> {
                                    LOG.debugf("Comment for %s not forwarded: %s", slug, failure.toString());
                                    error(ctx, "comment", start, 503,
                                            "Comments cannot be posted right now. Please try again.");
                                }));
                    }
                }), ctx::fail);
    }

    private void posted(RoutingContext ctx, long start, String article, CommentsClient.Posted posted) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            return;
        }
        int status = posted.status();
        if (posted.stored()) {
            String traceId = AccessLog.traceHeader(response);
            finished(ctx, "comment", ROUTE_COMMENT, 303, start, null, traceId);
            response.setStatusCode(303)
                    .putHeader(HttpHeaders.LOCATION, article + "#comments")
                    .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
                    .end();
        } else if (status == 400 || status == 413 || status == 422) {
            String message = posted.problemDetail() != null ? posted.problemDetail()
                    : (status == 413 ? "Your comment is too long." : "Your comment could not be posted.");
            error(ctx, "comment", start, status == 422 ? 400 : status, message, article + "#comments",
                    "Back to the article");
        } else if (status == 404) {
            error(ctx, "comment", start, 404, null);
        } else {
            LOG.debugf("Comment for %s: comments-service answered %d", article, status);
            error(ctx, "comment", start, 503, "Comments cannot be posted right now. Please try again.");
        }
    }

    // ---------------------------------------------------------------- errors

    private void failure(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        int status = ctx.statusCode();
        Throwable failure = ctx.failure();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            LOG.errorf(failure, "Failure after the response started: %s %s", ctx.request().method(),
                    ctx.request().path());
            response.reset();
            return;
        }
        try {
            if (status == 413) {
                error(ctx, "other", System.nanoTime(), 413, "What you sent is too long.");
            } else if (status >= 400 && status < 500) {
                error(ctx, "other", System.nanoTime(), status, null);
            } else {
                LOG.errorf(failure, "Unexpected failure answering %s %s", ctx.request().method(), ctx.request().path());
                error(ctx, "other", System.nanoTime(), 500, null);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "The error page failed too: %s %s", ctx.request().method(), ctx.request().path());
            if (!response.ended() && !response.closed()) {
                response.reset();
            }
        }
    }

    private void methodNotAllowed(RoutingContext ctx, String route, String allow) {
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        error(ctx, route, System.nanoTime(), 405, null);
    }

    private void error(RoutingContext ctx, String route, long start, int status, String message) {
        error(ctx, route, start, status, message, null, null);
    }

    /**
     * Sends the HTML error page. 404/410 keep a {@code Cache-Control} already set (else 10 s); every
     * other error is {@code no-store}; 503 adds {@code Retry-After}.
     */
    private void error(RoutingContext ctx, String route, long start, int status, String message, String back,
                       String backLabel) {
        error(ctx, route, start, status, message, back, backLabel, null);
    }

    private void error(RoutingContext ctx, String route, long start, int status, String message, String back,
                       String backLabel, String cache) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (status == 404 || status == 410) {
            if (!response.headers().contains(HttpHeaders.CACHE_CONTROL)) {
                response.putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=10");
            }
        } else {
            response.putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
        }
        if (status == 503) {
            response.putHeader(RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        String traceId = AccessLog.traceHeader(response);
        Buffer page = errorPages.render(status, message, back, backLabel);
        finished(ctx, route, templateOf(route), status, start, cache, traceId);
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, TEXT_HTML).end(page);
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a callback of an upstream call; anything it throws goes to the failure handler. */
    private static <T> Consumer<T> guarded(RoutingContext ctx, Consumer<T> action) {
        return item -> {
            try {
                action.accept(item);
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        };
    }

    private static boolean isRead(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD;
    }

    private static boolean isQuarkus(String firstSegment) {
        return QUARKUS_ROOT.equals(firstSegment);
    }

    /** A path under Quarkus' non-application root ({@code /q}, {@code /q/…}). */
    static boolean isQuarkusPath(String path) {
        return path != null && path.length() >= 2 && path.charAt(0) == '/' && path.charAt(1) == 'q'
                && (path.length() == 2 || path.charAt(2) == '/');
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static void copy(MultiMap from, HttpServerResponse to, CharSequence name) {
        String value = from.get(name);
        if (value != null) {
            to.putHeader(name, value);
        }
    }
}
