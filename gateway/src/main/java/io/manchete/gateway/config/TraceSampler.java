package io.manchete.gateway.config;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * Which spans are recorded (the same rule as in the services). A span inside a trace follows its
 * parent's decision, so a request that arrives with a sampled {@code traceparent} is traced, and one
 * marked not sampled is not. A new trace starts only at a server span (an incoming request), for a
 * share {@code quarkus.otel.traces.sampler.arg} (default 1.0) of them: lowering it takes the cost of
 * recording and exporting spans off most page-cache hits, while every answer still carries its trace
 * id ({@code X-Trace-Id}: an unsampled span has one too) and the decision still travels downstream.
 * Spans outside any request (start-up, the Infinispan reconnect timer) would each start a trace of one
 * span: they are dropped. Replaces the sampler named by {@code quarkus.otel.traces.sampler}.
 */
@Singleton
@Unremovable
public class TraceSampler implements Sampler {
    private final Sampler delegate;

    public TraceSampler(@ConfigProperty(name = "quarkus.otel.traces.sampler.arg", defaultValue = "1.0") String ratio) {
        this.delegate = Sampler.parentBased(Sampler.traceIdRatioBased(Math.max(0, Math.min(1, Double.parseDouble(ratio)))));
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                       Attributes attributes, List<LinkData> parentLinks) {
        if (!Span.fromContext(parentContext).getSpanContext().isValid() && spanKind != SpanKind.SERVER) {
            return SamplingResult.drop();
        }
        return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "MancheteTraceSampler{roots=server spans only, " + delegate.getDescription() + "}";
    }
}
