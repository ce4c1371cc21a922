package io.manchete.comments.api;

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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.manchete.comments.api.Api.freshSlug;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fragment request of a traced page joins the caller's trace, with its cache reads and statements. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class TracingTest {
    private static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");

    @Inject
    InMemorySpanExporter exporter;

    @Test
    void aFragmentRequestJoinsTheCallersTrace() {
        String traceId = hex(16);
        String callerSpan = hex(8);
        given().header("traceparent", "00-" + traceId + "-" + callerSpan + "-01").queryParam("section", "world")
                .get("/fragments/comments/{slug}", freshSlug("traced")).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spansOf(traceId).stream().anyMatch(s -> s.getKind() == SpanKind.SERVER));
        List<SpanData> trace = spansOf(traceId);
        List<String> names = trace.stream().map(s -> s.getKind() + " " + s.getName()).toList();
        SpanData server = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertEquals(callerSpan, server.getParentSpanId());

        SpanData read = trace.stream().filter(s -> s.getName().equals("infinispan get comments-fragments")).findFirst()
                .orElseThrow(() -> new AssertionError("no cache read among " + names));
        assertEquals(server.getSpanId(), read.getParentSpanId());
        assertEquals("comments-fragments", read.getAttributes().get(CacheSpans.CACHE_NAME));
        assertEquals(Boolean.FALSE, read.getAttributes().get(CacheSpans.CACHE_HIT));
        assertEquals("infinispan", read.getAttributes().get(CacheSpans.DB_SYSTEM));
        assertFalse(trace.stream().noneMatch(s -> s.getAttributes().get(DB_STATEMENT) != null),
                "the miss is read from the database: " + names);
        assertTrue(trace.stream().allMatch(s -> s == server || !s.getParentSpanId().equals(callerSpan)),
                "only the server span hangs off the caller's span: " + names);
    }

    private List<SpanData> spansOf(String traceId) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1;
        return HexFormat.of().formatHex(random);
    }
}
