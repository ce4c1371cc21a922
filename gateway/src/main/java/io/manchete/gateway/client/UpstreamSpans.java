package io.manchete.gateway.client;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Client spans for the gateway's upstream calls. The Vert.x web clients are not traced by Quarkus
 * (their tracing policy is {@code IGNORE}, see {@link UpstreamClients}): a span per layout/fragment
 * <em>look-up</em> tells more than a span per HTTP exchange — a fragment served from the fragment
 * cache, or fetched by another request that this one joined, still shows up, with
 * {@value #FRAGMENT_CACHE_KEY} saying which. Named {@code GET <service> <slot>} (for example
 * {@code GET content main}, {@code GET page layout}), child of the request's server span, with
 * {@code manchete.slot}, {@code manchete.service}, {@code url.path}, {@code http.response.status_code}
 * and {@code manchete.fragment.outcome}; a failed or refused call is an error span. The W3C
 * {@code traceparent} of the span goes to the upstream, so its server span is a child of this one.
 * Outside a sampled request the spans are not recorded ({@code config.TraceSampler}), but the
 * context is still propagated.
 */
@ApplicationScoped
public class UpstreamSpans {
    public static final String FRAGMENT_CACHE_KEY = "manchete.fragment.cache";
    public static final AttributeKey<String> SLOT = AttributeKey.stringKey("manchete.slot");
    public static final AttributeKey<String> SERVICE = AttributeKey.stringKey("manchete.service");
    public static final AttributeKey<String> FRAGMENT_CACHE = AttributeKey.stringKey(FRAGMENT_CACHE_KEY);
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("manchete.fragment.outcome");
    public static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    public static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final TextMapSetter<HttpRequest<?>> HEADERS = (request, name, value) -> {
        if (request != null) {
            request.putHeader(name, value);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public UpstreamSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.manchete.gateway");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Starts the span of one call to {@code upstream}, child of the current context (the request's span). */
    public Span start(String method, Upstream upstream, String slot, String path) {
        return tracer.spanBuilder(method + ' ' + upstream.serviceName() + ' ' + slot)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current())
                .setAttribute(SLOT, slot)
                .setAttribute(SERVICE, upstream.serviceName())
                .setAttribute(METHOD, method)
                .setAttribute(URL_PATH, path)
                .startSpan();
    }

    /** Writes {@code traceparent} (and baggage) of {@code context} into the request's headers. */
    public void inject(Context context, HttpRequest<?> request) {
        propagator.inject(context, request, HEADERS);
    }

    /** Ends a look-up span with what it gave; {@code cache}: how the fragment cache answered (hit, miss, …). */
    public static void end(Span span, FragmentResult result, String cache) {
        if (span.isRecording()) {
            if (cache != null) {
                span.setAttribute(FRAGMENT_CACHE, cache);
            }
            if (result != null) {
                describe(span, result);
            }
        }
        span.end();
    }

    /** A look-up that failed unexpectedly (a bug, not an upstream failure: those are results). */
    public static void fail(Span span, Throwable failure) {
        if (span.isRecording()) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        }
        span.end();
    }

    static void describe(Span span, FragmentResult result) {
        if (result.status() > 0) {
            span.setAttribute(STATUS, (long) result.status());
        }
        span.setAttribute(OUTCOME, result.outcome().tag());
        if (result.failed()) {
            span.setStatus(StatusCode.ERROR, result.outcome().tag());
            span.setAttribute(ERROR_TYPE, result.status() > 0 ? Integer.toString(result.status()) : result.outcome().tag());
        }
    }
}
