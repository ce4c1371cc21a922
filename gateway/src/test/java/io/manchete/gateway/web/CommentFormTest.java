package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.manchete.gateway.web.PagesTest.assertErrorPage;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class CommentFormTest {

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    private static io.restassured.response.ValidatableResponse post(String path, String author, String body) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("author", author).formParam("body", body).post(path).then();
    }

    @Test
    void formIsForwardedAsJsonAndAnsweredWithARedirectToTheArticle() {
        post("/world/hello-world/comments", "Ana <b>", "Nice & clear, thanks: é")
                .statusCode(303)
                .header("Location", "/world/hello-world#comments");
        List<JsonObject> posts = Stubs.requests("comments", "POST", "/api/v1/articles/hello-world/comments");
        assertEquals(1, posts.size());
        JsonObject forwarded = new JsonObject(posts.get(0).getString("body"));
        assertEquals(new JsonObject().put("author", "Ana <b>").put("body", "Nice & clear, thanks: é"), forwarded);
        assertTrue(posts.get(0).getJsonObject("headers").getString("content-type").startsWith("application/json"));
        assertTrue(posts.get(0).getJsonObject("headers").getString("idempotency-key").matches("[0-9a-f]{64}"));
    }

    @Test
    void doubleSubmitCarriesTheSameIdempotencyKey() throws InterruptedException {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 57_000) { // the key includes the minute: don't straddle a boundary
            Thread.sleep(60_000 - intoMinute + 100);
        }
        post("/world/hello-world/comments", "Ana", "Same words").statusCode(303);
        post("/world/hello-world/comments", "Ana", "Same words").statusCode(303); // stub answers 200: a repeat
        post("/world/hello-world/comments", "Ana", "Other words").statusCode(303);
        post("/politics/hello-world/comments", "Ana", "Other words").statusCode(303);
        List<JsonObject> posts = Stubs.requests("comments", "POST", "/api/v1/articles/hello-world/comments");
        assertEquals(4, posts.size());
        List<String> keys = posts.stream().map(p -> p.getJsonObject("headers").getString("idempotency-key")).toList();
        assertEquals(keys.get(0), keys.get(1));
        assertNotEquals(keys.get(1), keys.get(2));
        assertNotEquals(keys.get(2), keys.get(3));
    }

    @Test
    void commentOnUnknownArticleIsNotFoundAndNotForwarded() {
        assertErrorPage(post("/world/no-such-story/comments", "Ana", "Hi").statusCode(404).extract().asString(), 404);
        assertEquals(List.of(), Stubs.requests("comments", "POST", "/"));
    }

    @Test
    void invalidSlugIsNotFound() {
        post("/world/Bad_Slug/comments", "Ana", "Hi").statusCode(404);
        assertEquals(List.of(), Stubs.requests());
    }

    @Test
    void problemFromCommentsServiceBecomesAnHtmlErrorPage() {
        Stubs.on("comments", "/api/v1/articles/hello-world/comments")
                .status(400, "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                        + "\"detail\":\"body must not be <empty>\"}")
                .header("Content-Type", "application/problem+json").install();
        String html = post("/world/hello-world/comments", "Ana", "").statusCode(400)
                .header("Content-Type", "text/html;charset=UTF-8").extract().asString();
        assertErrorPage(html, 400);
        assertTrue(html.contains("body must not be &lt;empty&gt;"), html);
        assertTrue(html.contains("href=\"/world/hello-world#comments\""), html);
    }

    @Test
    void tooLongFromCommentsServiceIsA413Page() {
        Stubs.on("comments", "/api/v1/articles/hello-world/comments")
                .status(413, "{\"title\":\"Payload Too Large\",\"status\":413,\"detail\":\"body is longer than 4000 characters\"}")
                .header("Content-Type", "application/problem+json").install();
        String html = post("/world/hello-world/comments", "Ana", "x".repeat(4001)).statusCode(413).extract().asString();
        assertErrorPage(html, 413);
        assertTrue(html.contains("body is longer than 4000 characters"), html);
        assertTrue(html.contains("href=\"/world/hello-world#comments\""), html);
    }

    @Test
    void formOverTheGatewayLimitIs413AndNotForwarded() {
        String html = post("/world/hello-world/comments", "Ana", "x".repeat(70_000)).statusCode(413)
                .header("Content-Type", "text/html;charset=UTF-8").extract().asString();
        assertErrorPage(html, 413);
        assertEquals(List.of(), Stubs.requests());
    }

    @Test
    void commentsServiceDownIsA503Page() {
        Stubs.on("comments", "/api/v1/articles/hello-world/comments").down().install();
        assertErrorPage(post("/world/hello-world/comments", "Ana", "Hi").statusCode(503).header("Retry-After", "5")
                .extract().asString(), 503);
    }

    @Test
    void commentsServiceErrorIsA503Page() {
        Stubs.on("comments", "/api/v1/articles/hello-world/comments").status(500, "oops").install();
        post("/world/hello-world/comments", "Ana", "Hi").statusCode(503);
    }

    @Test
    void contentServiceDownIsA503Page() {
        Stubs.on("content", "/fragments/article/hello-world").down().install();
        post("/world/hello-world/comments", "Ana", "Hi").statusCode(503);
        assertEquals(List.of(), Stubs.requests("comments", "POST", "/"));
    }

    @Test
    void anArticleSeenBeforeTakesCommentsWhileContentServiceIsDown() {
        given().get("/world/hello-world").then().statusCode(200); // its fragment is now in the fragment cache
        int contentCalls = Stubs.requests("content", "GET", "/fragments/article/hello-world").size();
        Stubs.on("content", "/fragments/article/hello-world").down().install();
        post("/world/hello-world/comments", "Ana", "Still here").statusCode(303);
        assertEquals(1, Stubs.requests("comments", "POST", "/").size(), "the comment went to comments-service");
        assertEquals(contentCalls, Stubs.requests("content", "GET", "/fragments/article/hello-world").size(),
                "the article's existence came from the fragment cache");
    }
}
