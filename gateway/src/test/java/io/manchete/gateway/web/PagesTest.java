package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class PagesTest {

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void homePageStitchesEveryFragmentIntoItsSlot() {
        String html = given().get("/").then()
                .statusCode(200)
                .header("Content-Type", "text/html;charset=UTF-8")
                .header("Cache-Control", "public, max-age=30") // min(layout 60, teasers 30)
                .header("Surrogate-Control", "max-age=30")
                .extract().asString();
        assertTrue(html.startsWith("<!doctype html>"), html);
        assertTrue(html.contains("<title>Manchete</title>"), html);
        assertTrue(html.contains("<div id=\"top\"><ul class=\"teasers\" data-query=\"slugs=hello-world,second-story&amp;heading=Top%20stories\">"), html);
        assertTrue(html.contains("<div id=\"world\"><ul class=\"teasers\" data-query=\"section=world&amp;limit=5&amp;heading=World\">"), html);
        assertTrue(html.contains("<div id=\"politics\"><ul class=\"teasers\" data-query=\"section=politics&amp;limit=5&amp;heading=Politics\">"), html);
        assertTrue(!html.contains("<!--manchete:"), "no marker left: " + html);
        assertEquals(3, Stubs.requests("content", "GET", "/fragments/teasers").size());
    }

    @Test
    void sectionPageFillsTheSectionIntoTheSlotPathAndUsesTheLayoutTitle() {
        String html = given().get("/politics").then()
                .statusCode(200)
                .header("Cache-Control", "public, max-age=20") // layout 20 < teasers 30
                .header("Surrogate-Key", "shell section:politics")
                .extract().asString();
        assertTrue(html.contains("<title>Politics · Manchete</title>"), html);
        assertTrue(html.contains("<main id=\"section-politics\"><ul class=\"teasers\" data-query=\"section=politics&amp;limit=30&amp;heading=Politics\">"), html);
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/teasers?section=politics&limit=30").size());
    }

    @Test
    void articlePageHasBothFragmentsTheEscapedTitleAndTheHeaders() {
        Response response = given().get("/world/hello-world");
        response.then()
                .statusCode(200)
                .header("Content-Type", "text/html;charset=UTF-8")
                // min(layout 300, article 60, comments 45) for the CDN; browsers at most 30 s
                .header("Cache-Control", "public, max-age=30")
                .header("Surrogate-Control", "max-age=45")
                .header("Age", "0")
                .header("Cache-Status", "Manchete; fwd=miss; stored")
                .header("ETag", matchesPattern("\"[0-9a-f]{16}\""))
                .header("Server-Timing", matchesPattern("cache;desc=\"miss\", "
                        + "layout;dur=\\d+\\.\\d, frag-main;dur=\\d+\\.\\d;desc=\"content\", frag-comments;dur=\\d+\\.\\d;desc=\"comments\""));
        String html = response.asString();
        assertTrue(html.contains("<title>Hello &lt;World&gt; &amp; café · Manchete</title>"), html);
        assertTrue(html.contains("<div id=\"main\"><div class=\"article-body\" data-slug=\"hello-world\">"), html);
        assertTrue(html.contains("<aside id=\"comments\"><section class=\"comments\" data-slug=\"hello-world\" data-section=\"world\">"), html);
        Set<String> keys = Set.of(response.header("Surrogate-Key").split(" "));
        assertEquals(Set.of("shell", "section:world", "article:hello-world", "comments:hello-world"), keys);
        assertEquals(1, Stubs.requests("comments", "GET", "/fragments/comments/hello-world?section=world").size());
    }

    @Test
    void fragmentsAreFetchedInParallel() {
        // each fragment answer is held until both requests are in flight; fetched one after the
        // other, the first would wait for the hold fallback (3 s) and run past its budget
        Stubs.on("content", "/fragments/article/hello-world").hold(2).install();
        Stubs.on("comments", "/fragments/comments/hello-world").hold(2).install();
        String html = given().get("/world/hello-world").then().statusCode(200).extract().asString();
        assertTrue(html.contains("data-slug=\"hello-world\"><p>Body of hello-world"), html);
        assertTrue(html.contains("<section class=\"comments\""), html);
        JsonObject stats = Stubs.stats();
        assertEquals(2, stats.getInteger("maxHeld"), stats.encode());
        assertTrue(stats.getInteger("maxInFlight") >= 2, stats.encode());
    }

    @Test
    void homeTeasersAreFetchedInParallelToo() {
        Stubs.on("content", "/fragments/teasers").hold(3).install();
        given().get("/").then().statusCode(200).body(not(containsString("fragment-unavailable")));
        assertEquals(3, Stubs.stats().getInteger("maxHeld"));
    }

    @Test
    void unknownArticleIsTheNotFoundPage() {
        String html = given().get("/world/no-such-story").then()
                .statusCode(404)
                .header("Content-Type", "text/html;charset=UTF-8")
                .header("Cache-Control", "public, max-age=10")
                .extract().asString();
        assertErrorPage(html, 404);
        assertTrue(html.contains("Page not found"), html);
    }

    @Test
    void goneArticleKeepsItsStatus() {
        Stubs.on("content", "/fragments/article/hello-world").status(410, "<p>gone</p>").install();
        assertErrorPage(given().get("/world/hello-world").then().statusCode(410).extract().asString(), 410);
    }

    @Test
    void primaryFragmentFailingIsA503WithRetryAfter() {
        Stubs.on("content", "/fragments/article/hello-world").status(500, "boom").install();
        String html = given().get("/world/hello-world").then()
                .statusCode(503)
                .header("Retry-After", "5")
                .header("Cache-Control", "no-store")
                .extract().asString();
        assertErrorPage(html, 503);
    }

    @Test
    void primaryServiceDownIsA503WithRetryAfter() {
        Stubs.on("content", "/fragments/article/hello-world").down().install();
        assertErrorPage(given().get("/world/hello-world").then().statusCode(503).header("Retry-After", "5")
                .extract().asString(), 503);
    }

    @Test
    void primaryFragmentTooSlowIsA503() {
        Stubs.on("content", "/fragments/article/hello-world").delay(1500).install(); // budget 1000 ms
        given().get("/world/hello-world").then().statusCode(503).header("Retry-After", "5");
    }

    @Test
    void secondaryFragmentFailingLeavesAPlaceholderAndAShortMaxAge() {
        Stubs.on("comments", "/fragments/comments/hello-world").status(500, "boom").install();
        String html = given().get("/world/hello-world").then()
                .statusCode(200)
                .header("Cache-Control", "public, max-age=5")
                .extract().asString();
        assertTrue(html.contains("<aside id=\"comments\"><div class=\"fragment-unavailable\" data-slot=\"comments\">"
                + "This part of the page is unavailable right now.</div></aside>"), html);
        assertTrue(html.contains("<p>Body of hello-world</p>"), html);
    }

    @Test
    void secondaryFragmentTooSlowLeavesAPlaceholder() {
        // budget 500 ms: had the gateway waited, it would have got the real fragment after 1.5 s
        Stubs.on("comments", "/fragments/comments/hello-world").delay(1500).install();
        String html = given().get("/world/hello-world").then()
                .statusCode(200)
                // late, not refused: fresh for manchete.late-fragment-max-age, not the placeholder max-age
                .header("Cache-Control", "public, max-age=1")
                .extract().asString();
        assertTrue(html.contains("<div class=\"fragment-unavailable\" data-slot=\"comments\">"), html);
        assertTrue(!html.contains("<section class=\"comments\""), html);
    }

    @Test
    void secondaryServiceDownLeavesAPlaceholder() {
        Stubs.on("comments", "/fragments/comments/hello-world").down().install();
        given().get("/world/hello-world").then().statusCode(200)
                .header("Cache-Control", "public, max-age=5")
                .body(containsString("<div class=\"fragment-unavailable\" data-slot=\"comments\">"));
    }

    @Test
    void unknownSectionIsTheNotFoundPage() {
        assertErrorPage(given().get("/nowhere").then().statusCode(404).extract().asString(), 404);
        assertErrorPage(given().get("/nowhere/hello-world").then().statusCode(404).extract().asString(), 404);
        assertEquals(1, Stubs.requests("page", "GET", "/api/v1/layouts/section/nowhere").size());
    }

    @Test
    void invalidSectionOrSlugIsNotFoundWithoutAskingAnyone() {
        for (String path : List.of("/World", "/world/Hello-World", "/world/hello_world", "/world/-hello",
                "/world/hello-", "/world/hello--world", "/world/" + "a".repeat(161), "/world/hello-world/more",
                "/favicon.ico")) {
            assertErrorPage(given().get(path).then().statusCode(404).extract().asString(), 404);
        }
        assertEquals(List.of(), Stubs.requests());
        given().get("/world/" + "a".repeat(160)).then().statusCode(404); // valid, but unknown
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/aaaa").size());
    }

    /**
     * Plain paths take the hand-matched lane, encoded ones the routes with path parameters: the same
     * page either way, one entry in the page cache.
     */
    @Test
    void anEncodedPathIsTheSamePageAsThePlainOne() {
        String plain = given().get("/world/hello-world").then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored").extract().asString();
        String encoded = given().urlEncodingEnabled(false).get("/w%6Frld/hello%2Dworld").then().statusCode(200)
                .header("Cache-Status", startsWith("Manchete; hit")).extract().asString();
        assertEquals(plain, encoded);
        given().urlEncodingEnabled(false).get("/%77orld").then().statusCode(200)
                .header("Surrogate-Key", containsString("section:world"));
        given().get("/assets/" + StubUpstreams.ASSET).then().statusCode(200); // the asset proxy's, never a page
        assertEquals(1, Stubs.requests("page", "GET", "/assets/").size());
        assertEquals(List.of(), Stubs.requests("page", "GET", "/api/v1/layouts/article/assets"));
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/hello-world").size());
    }

    @Test
    void layoutServiceDownIsA503() {
        Stubs.on("page", "/api/v1/layouts/article/world").down().install();
        assertErrorPage(given().get("/world/hello-world").then().statusCode(503).header("Retry-After", "5")
                .extract().asString(), 503);
        assertEquals(List.of(), Stubs.requests("content", "GET", "/"));
    }

    @Test
    void brokenLayoutIsA503() {
        Stubs.on("page", "/api/v1/layouts/home").status(200, "{\"not\":\"a layout\"}").install();
        given().get("/").then().statusCode(503).header("Retry-After", "5");
    }

    @Test
    void matchingIfNoneMatchIsA304WithoutBody() {
        String etag = given().get("/world/hello-world").then().statusCode(200).extract().header("ETag");
        given().header("If-None-Match", etag).get("/world/hello-world").then()
                .statusCode(304)
                .header("ETag", etag)
                .header("Cache-Status", startsWith("Manchete; hit; ttl="))
                .header("Cache-Control", matchesPattern("public, max-age=3\\d"))
                .header("Content-Type", nullValue())
                .body(emptyString());
        given().header("If-None-Match", "\"other\", W/" + etag).get("/world/hello-world").then().statusCode(304);
        given().header("If-None-Match", "\"other\"").get("/world/hello-world").then().statusCode(200)
                .header("ETag", etag);
    }

    @Test
    void etagChangesWithTheContent() {
        String before = given().get("/world/hello-world").then().extract().header("ETag");
        Stubs.on("comments", "/fragments/comments/hello-world").status(200, "<p>one comment</p>")
                .header("Cache-Control", "public, max-age=45").header("Surrogate-Key", "comments:hello-world").install();
        Gateway.purge("comments:hello-world");
        String after = given().get("/world/hello-world").then().statusCode(200).extract().header("ETag");
        assertTrue(!before.equals(after), before + " vs " + after);
    }

    @Test
    void otherMethodsOnPagesAre405() {
        for (String path : List.of("/", "/world", "/world/hello-world")) {
            String html = given().put(path).then().statusCode(405).header("Allow", "GET, HEAD").extract().asString();
            assertErrorPage(html, 405);
            given().delete(path).then().statusCode(405);
        }
        given().get("/world/hello-world/comments").then().statusCode(405).header("Allow", "POST");
    }

    @Test
    void headAnswersWithoutBody() {
        given().head("/world/hello-world").then().statusCode(200).header("ETag", matchesPattern("\"[0-9a-f]{16}\""))
                .body(emptyString());
    }

    @Test
    void quarkusEndpointsAreLeftAlone() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("UP"));
        given().get("/world/hello-world").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("manchete_fragment_duration_seconds_count{outcome=\"ok\",service=\"content\",slot=\"main\"}"))
                .body(containsString("manchete_page_duration_seconds_count{route=\"article\",status=\"200\"}"));
    }

    static void assertErrorPage(String html, int status) {
        assertTrue(html.startsWith("<!doctype html>"), html);
        assertTrue(html.contains("data-status=\"" + status + "\""), html);
        assertTrue(html.contains("<a class=\"home\" href=\"/\">"), html);
        assertNoStackTrace(html);
    }

    static void assertNoStackTrace(String body) {
        for (String leak : List.of("Exception", "\tat ", "at io.", "at java.", "Caused by")) {
            assertTrue(!body.contains(leak), "leaks '" + leak + "': " + body);
        }
    }
}
