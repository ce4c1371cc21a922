package io.manchete.content.cache;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.manchete.content.Fixtures.EDITOR;
import static io.manchete.content.Fixtures.cacheHits;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.dbQueries;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads come from Infinispan once filled; writes are visible at once everywhere. Tests in one JVM
 * run one at a time, so the counters move only by these requests.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
class CachingTest {

    @Test
    void aSecondReadComesFromTheCache() {
        String slug = unique("cached");
        createPublished(slug, "world", "Cached");

        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200);
        double hits = cacheHits("content-articles");
        double queries = dbQueries();
        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is("Cached"));
        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200);

        assertEquals(hits + 2, cacheHits("content-articles"));
        assertEquals(queries, dbQueries(), "a cached article must not touch the database");
    }

    @Test
    void fragmentsAndListsAreServedFromTheCacheToo() {
        String section = unique("hot");
        String slug = unique("hot-article");
        createPublished(slug, section, "Hot");
        // fill
        given().get("/fragments/article/{slug}", slug).then().statusCode(200);
        given().queryParam("section", section).queryParam("limit", 5).get("/fragments/teasers").then().statusCode(200);
        given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200);
        given().queryParam("slugs", slug).get("/fragments/teasers").then().statusCode(200);

        double queries = dbQueries();
        double fragmentHits = cacheHits("content-fragments");
        given().get("/fragments/article/{slug}", slug).then().statusCode(200).body(containsString("<h1>Hot</h1>"));
        given().queryParam("section", section).queryParam("limit", 5).get("/fragments/teasers").then().statusCode(200)
                .body(containsString(">Hot</a>"));
        given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200).body("items.slug", contains(slug));
        given().queryParam("slugs", slug).get("/fragments/teasers").then().statusCode(200).body(containsString(">Hot</a>"));

        assertEquals(queries, dbQueries(), "cached fragments and lists must not touch the database");
        assertEquals(fragmentHits + 2, cacheHits("content-fragments"));
    }

    @Test
    void anUpdateIsVisibleAtOnceEverywhere() {
        String section = unique("fresh");
        String slug = unique("fresh-article");
        int version = createPublished(slug, section, "Before");
        warm(section, slug, "Before");

        given().header("Authorization", EDITOR).header("If-Match", "\"" + version + "\"").contentType(ContentType.JSON)
                .body(update(section, "After"))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200);

        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is("After"));
        given().get("/fragments/article/{slug}", slug).then().statusCode(200)
                .header("Fragment-Title", is("After"))
                .body(containsString("<h1>After</h1>"), not(containsString("Before")));
        given().queryParam("section", section).queryParam("limit", 5).queryParam("heading", "H")
                .get("/fragments/teasers").then().statusCode(200)
                .body(containsString(">After</a>"), not(containsString("Before")));
        given().queryParam("slugs", slug).get("/fragments/teasers").then().statusCode(200)
                .body(containsString(">After</a>"), not(containsString("Before")));
        given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200).body("items[0].title", is("After"));
    }

    @Test
    void aNewlyPublishedArticleJoinsItsSectionAtOnce() {
        String section = unique("news");
        String old = unique("old");
        createPublished(old, section, "Old news");
        warm(section, old, "Old news");

        String latest = unique("latest");
        createPublished(latest, section, "Latest news");

        given().queryParam("section", section).queryParam("limit", 5).queryParam("heading", "H")
                .get("/fragments/teasers").then().statusCode(200)
                .body(containsString(">Latest news</a>"));
        given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200).body("items.slug", contains(latest, old));
        given().queryParam("slugs", latest + "," + old).get("/fragments/teasers").then().statusCode(200)
                .body(containsString(">Latest news</a>"));
        given().get("/fragments/article/{slug}", latest).then().statusCode(200);
    }

    @Test
    void movingAnArticleToAnotherSectionUpdatesBothSections() {
        String from = unique("from");
        String to = unique("to");
        String slug = unique("mover");
        int version = createPublished(slug, from, "Mover");
        warm(from, slug, "Mover");
        given().queryParam("section", to).queryParam("limit", 5).queryParam("heading", "H")
                .get("/fragments/teasers").then().statusCode(200).body(not(containsString("Mover")));

        Map<String, Object> body = update(to, "Mover");
        body.put("version", version);
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(body)
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200);

        given().queryParam("section", from).queryParam("limit", 5).queryParam("heading", "H")
                .get("/fragments/teasers").then().statusCode(200).body(not(containsString("Mover")));
        given().queryParam("section", to).queryParam("limit", 5).queryParam("heading", "H")
                .get("/fragments/teasers").then().statusCode(200).body(containsString("href=\"/" + to + "/" + slug + "\""));
        given().get("/fragments/article/{slug}", slug).then().header("Surrogate-Key", is("article:" + slug))
                .body(containsString("<p class=\"kicker\">" + to + "</p>"));
    }

    private static void warm(String section, String slug, String title) {
        for (int i = 0; i < 2; i++) {
            given().get("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is(title));
            given().get("/fragments/article/{slug}", slug).then().statusCode(200);
            given().queryParam("section", section).queryParam("limit", 5).queryParam("heading", "H")
                    .get("/fragments/teasers").then().statusCode(200).body(containsString(">" + title + "</a>"));
            given().queryParam("slugs", slug).get("/fragments/teasers").then().statusCode(200);
            given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200);
        }
        assertTrue(cacheHits("content-fragments") > 0);
    }

    private static Map<String, Object> update(String section, String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("section", section);
        body.put("title", title);
        body.put("summary", "Summary of " + title);
        body.put("body", "Body of " + title);
        body.put("author", "Ana Reporter");
        return body;
    }
}
