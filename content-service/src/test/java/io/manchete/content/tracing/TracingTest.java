package io.manchete.content.tracing;

import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.launcher.testing.RealInfrastructure;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request that arrives with a W3C {@code traceparent} is continued here: its server span, the
 * Infinispan calls and the database statements it causes all land in the caller's trace, under the
 * server span. Spans are read from the in-memory exporter ({@code InMemorySpans}).
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
class TracingTest {
    private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    private static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");

    @Inject
    InMemorySpanExporter exporter;

    @Test
    void anIncomingTraceparentIsContinuedDownToTheCacheAndTheDatabase() {
        String traceId = hex(16);
        String callerSpan = hex(8);
        String slug = unique("untraced");

        given().header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .get("/fragments/article/{slug}", slug).then().statusCode(404);

        List<SpanData> trace = awaitServerSpan(traceId);
        SpanData server = only(trace, SpanKind.SERVER);
        assertEquals(callerSpan, server.getParentSpanId(), "the server span is a child of the caller's span");
        assertTrue(server.getName().contains("/fragments/article/"), server.getName());

        SpanData cacheRead = named(trace, "infinispan get content-fragments");
        assertEquals(server.getSpanId(), cacheRead.getParentSpanId(), "the cache read is a child of the server span");
        assertEquals(SpanKind.CLIENT, cacheRead.getKind());
        assertEquals("infinispan", cacheRead.getAttributes().get(DB_SYSTEM));
        assertEquals("content-fragments", cacheRead.getAttributes().get(CacheSpans.CACHE_NAME));
        assertEquals(Boolean.FALSE, cacheRead.getAttributes().get(CacheSpans.CACHE_HIT), "nobody wrote this slug");
        assertTrue(cacheRead.getEndEpochNanos() >= cacheRead.getStartEpochNanos());

        List<SpanData> statements = trace.stream().filter(s -> s.getAttributes().get(DB_STATEMENT) != null).toList();
        assertFalse(statements.isEmpty(), "the database look-up after the misses is traced: " + names(trace));
        for (SpanData statement : statements) {
            assertEquals(SpanKind.CLIENT, statement.getKind());
            assertTrue(statement.getAttributes().get(DB_STATEMENT).contains("from article"), statement.getName());
            assertTrue(descendsFrom(statement, server, trace), statement.getName() + " belongs under the server span");
        }
    }

    @Test
    void aCacheHitIsMarkedAndCostsNoStatement() {
        String slug = unique("traced");
        createPublished(slug, "world", "Traced");
        given().get("/fragments/article/{slug}", slug).then().statusCode(200);

        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                .get("/fragments/article/{slug}", slug).then().statusCode(200);

        List<SpanData> trace = awaitServerSpan(traceId);
        SpanData cacheRead = named(trace, "infinispan get content-fragments");
        assertEquals(Boolean.TRUE, cacheRead.getAttributes().get(CacheSpans.CACHE_HIT));
        assertTrue(trace.stream().noneMatch(s -> s.getAttributes().get(DB_STATEMENT) != null),
                "a hit reads no database: " + names(trace));
    }

    @Test
    void anUnsampledCallerIsNotRecorded() {
        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-00")
                .get("/fragments/article/{slug}", unique("unsampled")).then().statusCode(404);
        // a sampled request after it: once its spans are out, the unsampled one's would be too
        String marker = hex(16);
        given().header("traceparent", "00-" + marker + "-" + hex(8) + "-01")
                .get("/fragments/article/{slug}", unique("sampled")).then().statusCode(404);
        awaitServerSpan(marker);
        assertTrue(spansOf(traceId).isEmpty(), "the caller decided not to sample: " + names(spansOf(traceId)));
    }

    @Test
    void workOutsideRequestsStartsNoTrace() throws InterruptedException {
        exporter.reset();
        // the purge relay polls its outbox every second; readiness checks read the database and the caches
        given().get("/q/health/ready").then().statusCode(200);
        Thread.sleep(2_500);
        List<SpanData> roots = exporter.getFinishedSpanItems().stream()
                .filter(s -> !s.getParentSpanContext().isValid())
                .filter(s -> s.getKind() != SpanKind.SERVER)
                .toList();
        assertTrue(roots.isEmpty(), "background work must not start traces of its own: " + names(roots));
    }

    // ---- helpers

    private List<SpanData> spansOf(String traceId) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** The trace once its server span (which ends last) was exported. */
    private List<SpanData> awaitServerSpan(String traceId) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spansOf(traceId).stream().anyMatch(s -> s.getKind() == SpanKind.SERVER));
        return spansOf(traceId);
    }

    private static SpanData only(List<SpanData> spans, SpanKind kind) {
        List<SpanData> found = spans.stream().filter(s -> s.getKind() == kind).toList();
        assertEquals(1, found.size(), "one " + kind + " span: " + names(spans));
        return found.get(0);
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " among " + names(spans)));
    }

    private static boolean descendsFrom(SpanData span, SpanData ancestor, List<SpanData> trace) {
        Map<String, SpanData> byId = new HashMap<>();
        trace.forEach(s -> byId.put(s.getSpanId(), s));
        SpanData current = span;
        for (int depth = 0; current != null && depth < 50; depth++) {
            if (current.getParentSpanId().equals(ancestor.getSpanId())) {
                return true;
            }
            current = byId.get(current.getParentSpanId());
        }
        return false;
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(s -> s.getKind() + " " + s.getName() + " " + s.getAttributes()).toList();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(random);
    }
}
