package io.manchete.gateway.web;

import io.manchete.gateway.client.UpstreamSpans;
import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page request that arrives with a W3C {@code traceparent} is continued: one server span in the
 * caller's trace, named after the route, one client span per layout/fragment look-up below it
 * carrying the slot, and the upstreams receive a {@code traceparent} of the same trace whose parent is
 * that look-up's span. Spans are read from the in-memory exporter ({@code InMemorySpans}).
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class TracingTest {
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> PAGE_CACHE = AttributeKey.stringKey("manchete.page.cache");

    @Inject
    InMemorySpanExporter exporter;

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void anIncomingTraceparentIsContinuedToEveryFragmentAndEveryUpstream() {
        String traceId = hex(16);
        String callerSpan = hex(8);
        String slug = Gateway.newStory();

        Response response = given().header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .get("/world/" + slug);
        response.then().statusCode(200).header("X-Trace-Id", traceId);

        List<SpanData> trace = awaitServerSpan(traceId);
        SpanData server = only(trace, SpanKind.SERVER);
        assertEquals(callerSpan, server.getParentSpanId(), "the server span is a child of the caller's span");
        assertEquals("GET /{section}/{slug}", server.getName(), "named after the route, not the URL");
        assertEquals("/{section}/{slug}", server.getAttributes().get(ROUTE));
        assertEquals("miss", server.getAttributes().get(PAGE_CACHE));

        List<SpanData> clients = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertEquals(Set.of("layout", "main", "comments"),
                clients.stream().map(s -> s.getAttributes().get(UpstreamSpans.SLOT)).collect(Collectors.toSet()),
                names(trace).toString());
        assertEquals(3, clients.size(), "one client span per look-up: " + names(trace));
        for (SpanData client : clients) {
            assertEquals(server.getSpanId(), client.getParentSpanId(), client.getName() + " is a child of the server span");
            assertEquals("miss", client.getAttributes().get(UpstreamSpans.FRAGMENT_CACHE), client.getName());
            assertEquals(200L, client.getAttributes().get(UpstreamSpans.STATUS), client.getName());
        }
        SpanData main = named(trace, "GET content main");
        assertEquals("content", main.getAttributes().get(UpstreamSpans.SERVICE));
        assertEquals("/fragments/article/" + slug, main.getAttributes().get(UpstreamSpans.URL_PATH));
        named(trace, "GET comments comments");
        named(trace, "GET page layout");

        // each upstream got a traceparent of this trace, its parent being the look-up's client span
        Map<String, String> spanBySlot = clients.stream().collect(Collectors.toMap(
                s -> s.getAttributes().get(UpstreamSpans.SLOT), SpanData::getSpanId));
        assertPropagated("content", "/fragments/article/" + slug, traceId, spanBySlot.get("main"));
        assertPropagated("comments", "/fragments/comments/" + slug, traceId, spanBySlot.get("comments"));
        assertPropagated("page", PageCacheTest.ARTICLE_LAYOUT, traceId, spanBySlot.get("layout"));
    }

    @Test
    void aHitIsTracedWithoutClientSpansAndCarriesTheTraceIdToo() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01").get("/world/" + slug).then()
                .statusCode(200)
                .header("Cache-Status", startsWith("Manchete; hit"))
                .header("X-Trace-Id", traceId);
        List<SpanData> trace = awaitServerSpan(traceId);
        assertEquals(List.of(SpanKind.SERVER), trace.stream().map(SpanData::getKind).toList(), names(trace).toString());
        assertEquals("hit", trace.get(0).getAttributes().get(PAGE_CACHE));
    }

    @Test
    void everyAnswerCarriesATraceIdEvenWithoutTraceparent() {
        given().get("/world/hello-world").then().statusCode(200).header("X-Trace-Id", matchesPattern("[0-9a-f]{32}"));
        given().get("/nowhere/at/all").then().statusCode(404).header("X-Trace-Id", matchesPattern("[0-9a-f]{32}"));
        given().get("/assets/" + StubUpstreams.ASSET).then().statusCode(200)
                .header("X-Trace-Id", matchesPattern("[0-9a-f]{32}"));
        // a caller that decided not to sample: same trace id back, nothing recorded, the decision travels on
        String traceId = hex(16);
        String slug = Gateway.newStory();
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-00").get("/world/" + slug).then()
                .statusCode(200).header("X-Trace-Id", traceId);
        String sent = Stubs.requests("content", "GET", "/fragments/article/" + slug).get(0)
                .getJsonObject("headers").getString("traceparent");
        assertTrue(sent.startsWith("00-" + traceId + "-") && sent.endsWith("-00"), sent);
        String marker = hex(16);
        given().header("traceparent", "00-" + marker + "-" + hex(8) + "-01").get("/world/" + slug).then().statusCode(200);
        awaitServerSpan(marker);
        assertTrue(spansOf(traceId).isEmpty(), "the caller decided not to sample: " + names(spansOf(traceId)));
    }

    @Test
    void aFailedFragmentIsAnErrorSpan() {
        String slug = Gateway.newStory();
        Stubs.on("comments", "/fragments/comments/" + slug).status(500, "boom").install();
        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01").get("/world/" + slug).then()
                .statusCode(200);
        SpanData comments = named(awaitServerSpan(traceId), "GET comments comments");
        assertEquals(io.opentelemetry.api.trace.StatusCode.ERROR, comments.getStatus().getStatusCode());
        assertEquals(500L, comments.getAttributes().get(UpstreamSpans.STATUS));
        assertEquals("error_status", comments.getAttributes().get(UpstreamSpans.OUTCOME));
    }

    @Test
    void theServerSpanIsTheGatewaysOwnAndSaysHowTheRequestEnded() {
        String slug = Gateway.newStory();
        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01").get("/world/" + slug).then().statusCode(200);
        SpanData page = only(awaitServerSpan(traceId), SpanKind.SERVER);
        assertEquals("io.manchete.gateway", page.getInstrumentationScopeInfo().getName(),
                "Quarkus' own HTTP server tracer is off: " + page.getInstrumentationScopeInfo());
        assertEquals("GET", page.getAttributes().get(ServerSpans.METHOD));
        assertEquals("/world/" + slug, page.getAttributes().get(ServerSpans.URL_PATH));
        assertEquals(200L, page.getAttributes().get(ServerSpans.STATUS));
        assertEquals(io.opentelemetry.api.trace.StatusCode.UNSET, page.getStatus().getStatusCode());

        // a path no page route takes: named after the catch-all route, a 404 is not a server error
        String lost = hex(16);
        given().header("traceparent", "00-" + lost + "-" + hex(8) + "-01").get("/nowhere/at/all").then().statusCode(404);
        SpanData other = only(awaitServerSpan(lost), SpanKind.SERVER);
        assertEquals("GET /*", other.getName());
        assertEquals(404L, other.getAttributes().get(ServerSpans.STATUS));
        assertEquals(io.opentelemetry.api.trace.StatusCode.UNSET, other.getStatus().getStatusCode());

        // the primary fragment redirects elsewhere: 503, an error span
        String broken = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + broken).status(301, "")
                .header("Location", "https://elsewhere.example/" + broken).install();
        String failed = hex(16);
        given().redirects().follow(false).header("traceparent", "00-" + failed + "-" + hex(8) + "-01")
                .get("/world/" + broken).then().statusCode(503);
        SpanData unavailable = only(awaitServerSpan(failed), SpanKind.SERVER);
        assertEquals("GET /{section}/{slug}", unavailable.getName());
        assertEquals(503L, unavailable.getAttributes().get(ServerSpans.STATUS));
        assertEquals(io.opentelemetry.api.trace.StatusCode.ERROR, unavailable.getStatus().getStatusCode());
        assertEquals("503", unavailable.getAttributes().get(ServerSpans.ERROR_TYPE));
    }

    @Test
    void aPageAnsweredOverAnH2cUpgradeIsNoError() throws Exception {
        // Java's HttpClient asks for HTTP/2 by an h2c upgrade on a new connection: the page is streamed
        // on stream 1, and Vert.x reports the stream's close before the end of the answer
        String slug = Gateway.newStory();
        String traceId = hex(16);
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> answer = h2.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/world/" + slug))
                .header("traceparent", "00-" + traceId + "-" + hex(8) + "-01").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, answer.version(), "the upgrade was taken");
        assertTrue(answer.body().endsWith("</html>\n") || answer.body().endsWith("</html>"), "the whole page");
        SpanData page = only(awaitServerSpan(traceId), SpanKind.SERVER);
        assertEquals(200L, page.getAttributes().get(ServerSpans.STATUS));
        assertEquals(StatusCode.UNSET, page.getStatus().getStatusCode(), () -> page.getStatus() + " " + page.getAttributes());
    }

    @Test
    void quarkusOwnPathsAreNotTraced() {
        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01").get("/q/health/live").then().statusCode(200);
        String marker = hex(16);
        given().header("traceparent", "00-" + marker + "-" + hex(8) + "-01").get("/nowhere").then().statusCode(404);
        awaitServerSpan(marker);
        assertTrue(spansOf(traceId).isEmpty(), names(spansOf(traceId)).toString());
    }

    @Test
    void quarkusPathsAreTellable() {
        assertTrue(GatewayRoutes.isQuarkusPath("/q"));
        assertTrue(GatewayRoutes.isQuarkusPath("/q/health"));
        assertFalse(GatewayRoutes.isQuarkusPath("/qa"));
        assertFalse(GatewayRoutes.isQuarkusPath("/quarkus/q"));
        assertFalse(GatewayRoutes.isQuarkusPath("/"));
        assertFalse(GatewayRoutes.isQuarkusPath(null));
    }

    // ---- helpers

    private static void assertPropagated(String service, String uriPrefix, String traceId, String parentSpan) {
        List<JsonObject> requests = Stubs.requests(service, "GET", uriPrefix);
        assertFalse(requests.isEmpty(), service + " " + uriPrefix + " was called");
        String traceparent = requests.get(0).getJsonObject("headers").getString("traceparent");
        assertEquals("00-" + traceId + "-" + parentSpan + "-01", traceparent, service);
    }

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

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(s -> s.getKind() + " " + s.getName() + " " + s.getAttributes()).toList();
    }

    static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(random);
    }
}
