package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patience with a late secondary fragment ({@code manchete.services.comments.late-limit}): the
 * comments are waited for past their budget while the page still waits for its article, cut at their
 * budget once the article is in, and a read cut that way still completes and fills the fragment cache.
 */
@QuarkusTest
@TestProfile(LateFragmentTest.Patient.class)
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class LateFragmentTest {
    static final long BUDGET = 200;

    public static class Patient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "manchete.services.comments.timeout", BUDGET + "ms",
                    "manchete.services.comments.late-limit", "5s",
                    "manchete.services.content.timeout", "5s");
        }
    }

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void commentsPastTheirBudgetAreWaitedForWhileTheArticleIsStillOnItsWay() {
        String slug = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + slug).delay(1200).install();
        Stubs.on("comments", "/fragments/comments/" + slug).delay(600).install();
        Response page = given().get("/world/" + slug);
        assertEquals(200, page.statusCode());
        String html = page.asString();
        assertTrue(html.contains("<p>Body of " + slug + "</p>"), html);
        assertFalse(html.contains(ResilienceTest.PLACEHOLDER), "the comments were late, but before the article: " + html);
        assertTrue(html.contains("<section class=\"comments\""), html);
    }

    @Test
    void commentsPastTheirBudgetAreCutOnceTheArticleIsInAndTheirReadStillFillsTheCache() {
        String slug = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + slug).delay(300).install();
        Stubs.on("comments", "/fragments/comments/" + slug).delay(1500).install();
        long start = System.nanoTime();
        Response page = given().get("/world/" + slug);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, page.statusCode());
        assertTrue(page.asString().contains(ResilienceTest.PLACEHOLDER), page.asString());
        assertTrue(page.header("Server-Timing").contains("frag-comments;dur=")
                && page.header("Server-Timing").contains("desc=\"comments timeout\""), page.header("Server-Timing"));
        // not held until the comments came (1.5 s): cut when the article was in, past the budget
        assertTrue(millis < 1200, "answered after " + millis + " ms");
        // fresh for manchete.late-fragment-max-age (1 s), not the placeholder max-age (5 s)
        assertEquals(1, largestMaxAge(page.header("Cache-Control"), page.header("Surrogate-Control")),
                page.headers().toString());

        // the cut read went on: once it is in, a rebuild takes the comments from the fragment cache
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String again = given().header("Cache-Control", "no-cache").get("/world/" + slug).then().statusCode(200)
                    .extract().asString();
            assertFalse(again.contains(ResilienceTest.PLACEHOLDER), again);
        });
        assertEquals(1, Stubs.requests("comments", "GET", "/fragments/comments/" + slug).size(),
                "comments-service was asked once; the rebuild found its late answer in the fragment cache");
    }

    static int largestMaxAge(String... headers) {
        int largest = -1;
        for (String header : headers) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("max-age=(\\d+)").matcher(header == null ? "" : header);
            while (m.find()) {
                largest = Math.max(largest, Integer.parseInt(m.group(1)));
            }
        }
        return largest;
    }

    @Test
    void withoutAPendingArticleLateCommentsAreCutAtTheirBudget() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200); // the article fragment is cached now
        Gateway.purge("comments:" + slug);
        Stubs.on("comments", "/fragments/comments/" + slug).delay(1500).install();
        long start = System.nanoTime();
        String html = given().header("Cache-Control", "no-cache").get("/world/" + slug).then().statusCode(200)
                .extract().asString();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(html.contains(ResilienceTest.PLACEHOLDER), html);
        assertTrue(millis < 1200, "answered after " + millis + " ms, not at the comments' budget");
    }
}
