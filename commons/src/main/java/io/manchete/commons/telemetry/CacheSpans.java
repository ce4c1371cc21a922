package io.manchete.commons.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Predicate;

/**
 * One client span per Hot Rod call, named {@code infinispan <operation> <cache>} (for example
 * {@code infinispan get content-articles}), child of the request's span, with {@code db.system=infinispan},
 * {@code db.operation.name}, {@code cache.name} and, for reads, {@code cache.hit}. The span starts
 * when the call is subscribed to and ends in the call's own callback, so nothing waits for it; a
 * failed or timed-out call marks the span as an error (a read then counts as a miss). Outside a
 * traced request the span is dropped by the sampler ({@link TraceSampler}).
 */
@ApplicationScoped
public class CacheSpans {
    public static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    public static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
    public static final AttributeKey<String> CACHE_NAME = AttributeKey.stringKey("cache.name");
    public static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("cache.hit");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;

    public CacheSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Traces {@code call} (which must not have been subscribed yet). {@code hit} is null for writes;
     * for reads it says whether the answer was a hit.
     */
    public <T> Uni<T> trace(String operation, String cache, Uni<T> call, Predicate<T> hit) {
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder("infinispan " + operation + " " + cache)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(DB_SYSTEM, "infinispan")
                    .setAttribute(DB_OPERATION, operation)
                    .setAttribute(CACHE_NAME, cache)
                    .startSpan();
            if (!span.isRecording()) {
                return call;
            }
            return call.onItemOrFailure().invoke((item, failure) -> {
                if (failure != null) {
                    span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
                    span.setAttribute(ERROR_TYPE, failure.getClass().getName());
                    if (hit != null) {
                        span.setAttribute(CACHE_HIT, false);
                    }
                } else if (hit != null) {
                    span.setAttribute(CACHE_HIT, hit.test(item));
                }
                span.end();
            }).onCancellation().invoke(span::end);
        });
    }
}
