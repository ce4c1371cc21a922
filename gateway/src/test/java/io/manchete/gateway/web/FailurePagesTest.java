package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a reader gets when the primary fragment is not an ordinary page: a redirect, gone, down with
 * or without a last good copy; and the early hints of a page being assembled.
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class FailurePagesTest {
    static final String STYLESHEET_LINK = "</assets/" + StubUpstreams.ASSET + ">; rel=preload; as=style";

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void aPermanentRedirectOfThePrimaryIsThePagesRedirect() {
        for (int status : new int[] {301, 308}) {
            String slug = Gateway.newStory();
            Stubs.on("content", "/fragments/article/" + slug).status(status, "")
                    .header("Location", "/world/renamed-" + slug).header("Cache-Control", "public, max-age=60").install();
            given().redirects().follow(false).get("/world/" + slug).then()
                    .statusCode(status)
                    .header("Location", "/world/renamed-" + slug)
                    .header("Cache-Status", "Manchete; fwd=miss; stored")
                    .header("Cache-Control", "public, max-age=10")
                    .header("X-Trace-Id", matchesPattern("[0-9a-f]{32}"));
            given().redirects().follow(false).get("/world/" + slug).then()
                    .statusCode(status)
                    .header("Location", "/world/renamed-" + slug)
                    .header("Cache-Status", startsWith("Manchete; hit"));
            assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/" + slug).size());
        }
    }

    @Test
    void aRedirectToAnotherSiteIsNotPassedOn() {
        String slug = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + slug).status(301, "")
                .header("Location", "https://elsewhere.example/" + slug).install();
        given().redirects().follow(false).get("/world/" + slug).then().statusCode(503).header("Location", nullValue());
    }

    @Test
    void aGonePrimaryIsAGonePageCachedBriefly() {
        String slug = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + slug).status(410, "<p>gone</p>")
                .header("Cache-Control", "public, max-age=10").install();
        given().get("/world/" + slug).then().statusCode(410).header("Cache-Status", "Manchete; fwd=miss; stored")
                .body(containsString("data-status=\"410\""));
        given().get("/world/" + slug).then().statusCode(410).header("Cache-Status", startsWith("Manchete; hit"));
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/" + slug).size());
    }

    @Test
    void primaryDownWithALastGoodFragmentServesItAsStaleIfError() throws InterruptedException {
        String slug = Gateway.newStory();
        PageCacheTest.articleAnswers(slug, "<p>Last good</p>", "public, max-age=1, stale-if-error=60");
        given().get("/world/" + slug).then().statusCode(200);
        Thread.sleep(1_100); // the article fragment expired, inside its stale-if-error
        Stubs.on("content", "/fragments/article/" + slug).down().install();
        // another page of the same article: never in the page cache, built from the fragment cache's last good copy
        given().get("/world/" + slug + "?view=print").then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored; detail=stale-if-error")
                .header("Server-Timing", containsString("frag-main;dur="))
                .header("Server-Timing", containsString(";desc=\"content stale-if-error\""))
                .header("Cache-Control", matchesPattern("public, max-age=(10|[0-9])"))
                .body(containsString("<p>Last good</p>"));
    }

    @Test
    void aFragmentPastItsStaleIfErrorWindowIsNotUsed() throws InterruptedException {
        String slug = Gateway.newStory();
        // kept in Infinispan 31 s (stale-while-revalidate), but usable on error for 1 + 1 s only
        PageCacheTest.articleAnswers(slug, "<p>Too old</p>", "public, max-age=1, stale-while-revalidate=30, stale-if-error=1");
        given().get("/world/" + slug).then().statusCode(200);
        Thread.sleep(2_100);
        Stubs.on("content", "/fragments/article/" + slug).down().install();
        given().get("/world/" + slug + "?view=print").then().statusCode(503).header("Retry-After", "5")
                .body(not(containsString("Too old")));
    }

    @Test
    void aPageBeingAssembledSendsEarlyHintsAHitDoesNot() throws IOException {
        String slug = Gateway.newStory();
        String miss = rawGet("/world/" + slug, "HTTP/1.1");
        assertTrue(miss.startsWith("HTTP/1.1 103 Early Hints\r\n"), miss);
        String hints = miss.substring(0, miss.indexOf("\r\n\r\n"));
        assertTrue(hints.toLowerCase().contains("link: " + STYLESHEET_LINK.toLowerCase()), hints);
        String last = miss.substring(miss.indexOf("\r\n\r\n") + 4);
        assertTrue(last.startsWith("HTTP/1.1 200 OK\r\n"), last);
        assertTrue(head(last).contains("link: " + STYLESHEET_LINK.toLowerCase()), "and on the final answer: " + last);

        String hit = rawGet("/world/" + slug, "HTTP/1.1");
        assertTrue(hit.startsWith("HTTP/1.1 200 OK\r\n"), hit);
        assertFalse(hit.contains(" 103 "), hit);
        assertTrue(head(hit).contains("cache-status: manchete; hit"), hit);
        assertFalse(head(hit).contains("link:"), hit);

        // never a 1xx to an HTTP/1.0 client
        String old = rawGet("/world/" + Gateway.newStory(), "HTTP/1.0");
        assertTrue(old.startsWith("HTTP/1.0 200 OK\r\n") || old.startsWith("HTTP/1.1 200 OK\r\n"), old);
    }

    @Test
    void readinessGoesDownOnShutdownAndIsUpNow() {
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("Graceful Shutdown"))
                .body(not(containsString("DOWN")));
    }

    private static String head(String response) {
        int end = response.indexOf("\r\n\r\n");
        return (end < 0 ? response : response.substring(0, end)).toLowerCase();
    }

    /** The answer exactly as it comes over the wire (1xx included). */
    private String rawGet(String path, String version) throws IOException {
        return Gateway.rawGet(gateway, path, version, new java.util.ArrayList<>());
    }
}
