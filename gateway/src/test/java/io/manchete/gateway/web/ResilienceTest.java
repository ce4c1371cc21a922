package io.manchete.gateway.web;

import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.client.UpstreamGuards;
import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-upstream guards against the stub upstreams, with small windows so the tests are quick:
 * a failing service opens its own breaker and no other, which closes again by itself; a full
 * bulkhead gives a placeholder at once; a failed read is retried once.
 */
@QuarkusTest
@TestProfile(ResilienceTest.SmallGuards.class)
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class ResilienceTest {
    static final String PLACEHOLDER = "<div class=\"fragment-unavailable\" data-slot=\"comments\">";

    public static class SmallGuards implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "manchete.services.comments.breaker.window", "4",
                    "manchete.services.comments.breaker.delay", "1s",
                    "manchete.services.comments.breaker.success-threshold", "1",
                    "manchete.services.content.breaker.window", "4",
                    "manchete.services.content.breaker.delay", "1s",
                    "manchete.services.content.breaker.success-threshold", "1",
                    "manchete.services.comments.bulkhead.limit", "1",
                    "manchete.services.comments.bulkhead.queue", "1",
                    "manchete.services.comments.timeout", "3s");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    static UpstreamGuards guards() {
        return Arc.container().instance(UpstreamGuards.class).get();
    }

    @Test
    void aFailingServiceOpensOnlyItsOwnBreakerWhichClosesAgainByItself() {
        for (int i = 0; i < 4; i++) {
            String slug = Gateway.newStory();
            Stubs.on("comments", "/fragments/comments/" + slug).status(500, "boom").install();
            given().get("/world/" + slug).then().statusCode(200)
                    .body(containsString(PLACEHOLDER))
                    .body(containsString("<p>Body of " + slug + "</p>"));
        }
        assertEquals(CircuitBreakerState.OPEN, guards().state(Upstream.COMMENTS));
        assertEquals(CircuitBreakerState.CLOSED, guards().state(Upstream.CONTENT), "content did not fail");
        assertEquals(CircuitBreakerState.CLOSED, guards().state(Upstream.PAGE));
        assertEquals(1.0, Gateway.metric("ft_circuitbreaker_state_current{method=\"upstream.comments\",state=\"open\"}"),
                ftMetrics());
        assertEquals(0.0, Gateway.metric("ft_circuitbreaker_state_current{method=\"upstream.page\",state=\"open\"}"),
                ftMetrics());

        // open: comments-service is not even asked, the page still comes with a placeholder
        String whileOpen = Gateway.newStory();
        given().get("/world/" + whileOpen).then().statusCode(200)
                .body(containsString(PLACEHOLDER))
                .body(containsString("<p>Body of " + whileOpen + "</p>"));
        assertEquals(0, Stubs.requests("comments", "GET", "/fragments/comments/" + whileOpen).size());
        assertTrue(Gateway.metric("ft_circuitbreaker_calls_total{circuitBreakerResult=\"circuitBreakerOpen\","
                + "method=\"upstream.comments\"}") >= 1, ftMetrics());

        // after the delay a trial call goes through, succeeds, and the breaker closes
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get("/world/" + Gateway.newStory()).then().statusCode(200)
                        .body(containsString("<section class=\"comments\""))
                        .body(not(containsString(PLACEHOLDER))));
        assertEquals(CircuitBreakerState.CLOSED, guards().state(Upstream.COMMENTS));
        assertEquals(1.0, Gateway.metric("ft_circuitbreaker_state_current{method=\"upstream.comments\",state=\"closed\"}"),
                ftMetrics());
    }

    @Test
    void theOpenBreakerOfThePrimaryServesTheLastGoodCopyOrA503() {
        String seen = Gateway.newStory();
        given().get("/world/" + seen).then().statusCode(200);
        for (int i = 0; i < 4; i++) {
            String slug = Gateway.newStory();
            Stubs.on("content", "/fragments/article/" + slug).status(500, "boom").install();
            given().get("/world/" + slug).then().statusCode(503).header("Retry-After", "5");
        }
        assertEquals(CircuitBreakerState.OPEN, guards().state(Upstream.CONTENT));
        assertEquals(CircuitBreakerState.CLOSED, guards().state(Upstream.COMMENTS), "comments did not fail");
        Gateway.purge("article:" + seen); // the page must be rebuilt, and content-service cannot be asked
        given().get("/world/" + seen).then().statusCode(200)
                .header("Cache-Status", containsString("stale-if-error"))
                .body(containsString("<p>Body of " + seen + "</p>"));
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/" + seen).size());
    }

    @Test
    void aFullBulkheadGivesAPlaceholderAtOnceInsteadOfQueueing() throws Exception {
        // comments: one call in flight, one waiting; each answer takes 1.5 s (budget 3 s)
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String slug = Gateway.newStory();
            slugs.add(slug);
            Stubs.on("comments", "/fragments/comments/" + slug).delay(1_500).install();
        }
        double rejectedBefore = Gateway.metric("ft_bulkhead_calls_total{bulkheadResult=\"rejected\",method=\"upstream.comments\"}");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<Long>> elapsed = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (String slug : slugs) {
            long start = System.nanoTime();
            CompletableFuture<HttpResponse<String>> answer = client.sendAsync(
                    HttpRequest.newBuilder(gateway.toURI().resolve("/world/" + slug)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            answers.add(answer);
            elapsed.add(answer.thenApply(r -> (System.nanoTime() - start) / 1_000_000));
        }
        int quickPlaceholders = 0;
        int withComments = 0;
        for (int i = 0; i < answers.size(); i++) {
            HttpResponse<String> answer = answers.get(i).get();
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("<p>Body of " + slugs.get(i) + "</p>"), answer.body());
            if (answer.body().contains(PLACEHOLDER) && elapsed.get(i).get() < 1_200) {
                quickPlaceholders++;
            }
            if (answer.body().contains("<section class=\"comments\"")) {
                withComments++;
            }
        }
        assertTrue(quickPlaceholders >= 2, "refused by the full bulkhead, answered before the 1.5 s fragment: "
                + quickPlaceholders);
        assertTrue(withComments >= 1, "the call in flight got its fragment");
        assertTrue(Gateway.metric("ft_bulkhead_calls_total{bulkheadResult=\"rejected\",method=\"upstream.comments\"}")
                >= rejectedBefore + 2, ftMetrics());
        assertEquals(CircuitBreakerState.CLOSED, guards().state(Upstream.COMMENTS), "a full bulkhead is no failure");
    }

    @Test
    void aFailedReadIsRetriedOnceAndSucceeds() {
        double retriesBefore = Gateway.metric("ft_retry_retries_total{method=\"upstream.content\"}");
        String busy = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + busy).status(503, "busy").times(1).install();
        given().get("/world/" + busy).then().statusCode(200).body(containsString("<p>Body of " + busy + "</p>"));
        assertEquals(2, Stubs.requests("content", "GET", "/fragments/article/" + busy).size());

        String reset = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + reset).down().times(1).install();
        given().get("/world/" + reset).then().statusCode(200).body(containsString("<p>Body of " + reset + "</p>"));
        assertEquals(2, Stubs.requests("content", "GET", "/fragments/article/" + reset).size());
        assertEquals(retriesBefore + 2, Gateway.metric("ft_retry_retries_total{method=\"upstream.content\"}"), ftMetrics());

        // a 500 is not a blip: no retry (the small window of this profile is half failures by now: start afresh)
        guards().reset();
        String broken = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + broken).status(500, "bug").times(1).install();
        given().get("/world/" + broken).then().statusCode(503);
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/" + broken).size());
    }

    @Test
    void guardMetricsCarryTheDependencyName() {
        given().get("/world/" + Gateway.newStory()).then().statusCode(200);
        String metrics = ftMetrics();
        for (String service : List.of("page", "content", "comments")) {
            String method = "method=\"upstream." + service + "\"";
            // (a breaker reset by a test's clean start is closed, but its state gauges only follow transitions)
            assertTrue(metrics.contains("ft_circuitbreaker_state_current{" + method + ",state=\"closed\"}"), metrics);
            assertTrue(metrics.contains("ft_circuitbreaker_state_current{" + method + ",state=\"open\"}"), metrics);
            assertTrue(metrics.contains("ft_bulkhead_executionsRunning{" + method + "}"), metrics);
            assertTrue(metrics.contains("ft_timeout_calls_total{" + method + ",timedOut=\"false\"}"), metrics);
        }
    }

    static String ftMetrics() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        StringBuilder ft = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("ft_")) {
                ft.append(line).append('\n');
            }
        }
        return ft.toString();
    }
}
