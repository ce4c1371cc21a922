package io.manchete.gateway.web;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's server span: one per request outside {@code /q}, started by the first route of the
 * router and ended when the answer is written. It replaces Quarkus' Vert.x HTTP server tracer, which
 * the gateway turns off ({@code quarkus.otel.instrument.vertx-http=false}): that tracer runs every
 * request through OpenTelemetry's generic HTTP instrumenter (URI parsing, a dozen attribute
 * extractors, context bookkeeping) and was, measured, the whole gap between a page-cache hit and
 * Varnish (docs/performance.md, runs 30–32). This span carries only what a trace of the gateway is
 * read for:
 * <ul>
 * <li>its parent from the request's W3C {@code traceparent}/{@code tracestate} and {@code baggage}
 * (the configured propagators), so a caller's trace is continued;</li>
 * <li>its name {@code <method> <route template>} (for example {@code GET /{section}/{slug}}: the
 * template the routes give with {@link AccessLog#route}), or the method alone when no route took the
 * request;</li>
 * <li>{@code http.request.method}, {@code url.path}, {@code http.route},
 * {@code http.response.status_code}, plus what the routes add (the page cache's answer);</li>
 * <li>an error status for a {@code 5xx}, and for an answer that could not be finished (the reader
 * went away before the gateway ended it: {@code error.type} is the failure's class; an HTTP/2 stream
 * closed after the end is no error).</li>
 * </ul>
 * It becomes the current OpenTelemetry context of the request's Vert.x duplicated context (Quarkus
 * keeps the current context there), so the client spans of the upstream calls ({@code UpstreamSpans})
 * are its children, {@code X-Trace-Id} is its trace id, and log lines written for the request carry
 * its trace and span ids. The scope is deliberately left open: the duplicated context lives exactly
 * as long as the request. With the OpenTelemetry SDK off ({@code quarkus.otel.sdk.disabled}) or
 * traces off, nothing is done.
 */
@Singleton
public class ServerSpans {
    /** Ahead of the gateway's own routes (and of any route of default order). */
    static final int ORDER = Integer.MIN_VALUE + 1_000;
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
            return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean enabled;

    public ServerSpans(OpenTelemetry openTelemetry,
                       @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled,
                       @ConfigProperty(name = "quarkus.otel.traces.enabled", defaultValue = "true") boolean tracesEnabled) {
        this.tracer = openTelemetry.getTracer("io.manchete.gateway");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.enabled = !sdkDisabled && tracesEnabled;
    }

    void register(@Observes Router router) {
        if (enabled) {
            router.route().order(ORDER).handler(this::start);
        }
    }

    /** Starts the request's span, makes it current for the rest of the request, and goes on. */
    void start(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        io.vertx.core.Context vertxContext = Vertx.currentContext();
        // Quarkus runs every request on a duplicated context of its own; anything else would leak
        // the span into the event loop's next request, so it is not traced
        if (GatewayRoutes.isQuarkusPath(request.path()) || !VertxContext.isDuplicatedContext(vertxContext)) {
            ctx.next();
            return;
        }
        String method = request.method().name();
        Context parent = propagator.extract(Context.root(), request.headers(), HEADERS);
        Span span = tracer.spanBuilder(method)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(METHOD, method)
                .setAttribute(URL_PATH, request.path())
                .startSpan();
        parent.with(span).makeCurrent(); // lives and dies with the request's duplicated context
        ctx.addEndHandler(result -> end(span, ctx, vertxContext, method, result));
        ctx.next();
    }

    static void end(Span span, RoutingContext ctx, io.vertx.core.Context vertxContext, String method,
                    AsyncResult<Void> result) {
        if (span.isRecording()) {
            String template = AccessLog.routeOf(vertxContext);
            if (template != null) {
                span.updateName(method + ' ' + template);
                span.setAttribute(ROUTE, template);
            }
            int status = ctx.response().getStatusCode();
            span.setAttribute(STATUS, (long) status);
            // an HTTP/2 stream (an h2c upgrade) reports its close ahead of the end of an answer that was
            // ended: only an answer the gateway never ended is unfinished
            if (result.failed() && !ctx.response().ended()) {
                span.setStatus(StatusCode.ERROR, "answer not finished");
                span.setAttribute(ERROR_TYPE, result.cause().getClass().getName());
            } else if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
            }
        }
        span.end();
    }
}
