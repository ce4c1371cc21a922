package io.manchete.comments.api;

import io.manchete.commons.http.FragmentHeaders;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.manchete.comments.api.Api.dbQueries;
import static io.manchete.comments.api.Api.fragment;
import static io.manchete.comments.api.Api.fragmentHits;
import static io.manchete.comments.api.Api.fragmentMisses;
import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.postOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class FragmentTest {
    @Test
    void showsCountCommentsNewestFirstAndTheForm() {
        String slug = freshSlug("frag");
        postOk(slug, "Ana", "older comment");
        postOk(slug, "Bo", "newer comment");
        Response r = given().queryParam("section", "world").get("/fragments/comments/{slug}", slug);
        r.then().statusCode(200).contentType("text/html;charset=UTF-8");
        String html = r.asString();
        assertTrue(html.startsWith("<section class=\"comments\" id=\"comments\">"), html);
        assertTrue(html.strip().endsWith("</section>"), html);
        assertTrue(html.contains("<h2>2 comments</h2>"), html);
        assertTrue(html.contains("<ol class=\"comment-list\">"), html);
        assertTrue(html.contains("<p class=\"comment-meta\"><strong>Bo</strong> · <time datetime=\""), html);
        assertTrue(html.contains("<p class=\"comment-body\">newer comment</p>"), html);
        assertTrue(html.indexOf("newer comment") < html.indexOf("older comment"), "newest first");
        assertTrue(html.contains("<form class=\"comment-form\" method=\"post\" action=\"/world/" + slug + "/comments\">"), html);
        assertTrue(html.contains("<input name=\"author\" maxlength=\"80\" required>"), html);
        assertTrue(html.contains("<textarea name=\"body\" maxlength=\"4000\" required></textarea>"), html);
        assertTrue(html.contains("<button type=\"submit\">Post comment</button>"), html);
        assertFalse(html.contains("<html") || html.contains("<body"), html);
    }

    @Test
    void showsAtMostTwentyComments() {
        String slug = freshSlug("frag-twenty");
        for (int i = 0; i < 22; i++) {
            postOk(slug, "r", "comment number " + i + ".");
        }
        String html = fragment(slug, "sports");
        assertTrue(html.contains("<h2>22 comments</h2>"), html);
        assertEquals(20, html.split("<li", -1).length - 1);
        assertFalse(html.contains("comment number 0."));
        assertFalse(html.contains("comment number 1."));
        assertTrue(html.contains("comment number 2."));
    }

    @Test
    void escapesUserText() {
        String slug = freshSlug("frag-escape");
        postOk(slug, "<b>\"Mallory\" & co</b>", "<script>alert(1)</script>");
        String html = fragment(slug, "world");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;b&gt;&quot;Mallory&quot; &amp; co&lt;/b&gt;"), html);
        assertFalse(html.contains("<b>"), html);
    }

    @Test
    void carriesCacheHeaders() {
        String slug = freshSlug("frag-headers");
        postOk(slug, "Ana", "hi");
        Response r = given().queryParam("section", "culture").get("/fragments/comments/{slug}", slug);
        r.then().statusCode(200)
                .header("Cache-Control", equalTo(FragmentHeaders.cacheControl(30)))
                .header("Surrogate-Key", equalTo("comments:" + slug))
                .header("ETag", matchesPattern("\"[0-9a-f]{32}\""));
        String etag = r.header("ETag");
        given().queryParam("section", "culture").header("If-None-Match", etag).get("/fragments/comments/{slug}", slug)
                .then().statusCode(304).header("ETag", equalTo(etag)).body(emptyString());
        String otherSection = given().queryParam("section", "world").get("/fragments/comments/{slug}", slug)
                .then().statusCode(200).extract().header("ETag");
        assertNotEquals(etag, otherSection);
        postOk(slug, "Bo", "changes the etag");
        given().queryParam("section", "culture").header("If-None-Match", etag).get("/fragments/comments/{slug}", slug)
                .then().statusCode(200).header("ETag", not(equalTo(etag)));
    }

    @Test
    void emptyArticleShowsZeroAndTheForm() {
        String html = fragment(freshSlug("frag-empty"), "business");
        assertTrue(html.contains("<h2>0 comments</h2>"), html);
        assertFalse(html.contains("<li"), html);
        assertTrue(html.contains("action=\"/business/"), html);
    }

    @Test
    void newCommentIsVisibleInTheNextRead() {
        String slug = freshSlug("frag-fresh");
        postOk(slug, "Ana", "first words");
        String first = fragment(slug, "world");
        assertTrue(first.contains("<h2>1 comment</h2>"), first);
        fragment(slug, "world"); // served from the cache now
        postOk(slug, "Bo", "second words");
        String second = fragment(slug, "world");
        assertTrue(second.contains("second words"), second);
        assertTrue(second.contains("<h2>2 comments</h2>"), second);
    }

    @Test
    void secondReadIsACacheHitWithoutDatabaseQueries() {
        String slug = freshSlug("frag-hit");
        postOk(slug, "Ana", "cache me");
        String cold = freshSlug("frag-cold");
        double misses = fragmentMisses();
        double hits = fragmentHits();
        fragment(cold, "world");
        assertEquals(misses + 1, fragmentMisses());
        assertEquals(hits, fragmentHits());

        double queries = dbQueries();
        String again = fragment(cold, "world");
        assertEquals(hits + 1, fragmentHits());
        assertEquals(misses + 1, fragmentMisses());
        assertEquals(queries, dbQueries(), "a cache hit must not touch the database");
        assertTrue(again.contains("<h2>0 comments</h2>"));

        double hitsBefore = fragmentHits();
        String posted = fragment(slug, "politics");
        assertTrue(posted.contains("cache me"));
        assertEquals(hitsBefore + 1, fragmentHits(), "a post leaves a fresh entry in the cache");
    }

    @Test
    void badSectionIsABadRequestAndBadSlugNotFound() {
        String slug = freshSlug("frag-bad");
        given().get("/fragments/comments/{slug}", slug).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("section"));
        given().queryParam("section", "World\"><script>").get("/fragments/comments/{slug}", slug).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("section"));
        given().queryParam("section", "world").get("/fragments/comments/{slug}", "Bad_Slug").then().statusCode(404)
                .contentType("text/html;charset=UTF-8")
                .header("Cache-Control", equalTo("public, max-age=10"))
                .body(containsString("<p"));
    }
}
