package io.manchete.content.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static io.manchete.content.Fixtures.EDITOR;
import static io.manchete.content.Fixtures.article;
import static io.manchete.content.Fixtures.create;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.publish;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
class ArticleApiTest {

    @Test
    void createPublishAndRead() {
        String slug = unique("budget-vote");
        create(article(slug, "politics", "Budget vote"))
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/articles/" + slug))
                .header("ETag", "\"0\"")
                .body("slug", is(slug))
                .body("section", is("politics"))
                .body("publishedAt", nullValue())
                .body("updatedAt", notNullValue())
                .body("version", is(0));

        // a draft is invisible to readers, visible to the editor
        given().get("/api/v1/articles/{slug}", slug).then().statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer not-the-token").get("/api/v1/articles/{slug}", slug).then().statusCode(404);
        given().header("Authorization", EDITOR).get("/api/v1/articles/{slug}", slug).then().statusCode(200)
                .header("Cache-Control", "private, no-store")
                .body("title", is("Budget vote"));

        String publishedAt = publish(slug).then().statusCode(200)
                .header("ETag", "\"1\"")
                .body("version", is(1))
                .body("publishedAt", notNullValue())
                .extract().path("publishedAt");

        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200)
                .contentType(ContentType.JSON)
                .header("ETag", "\"1\"")
                .body("slug", is(slug))
                .body("section", is("politics"))
                .body("title", is("Budget vote"))
                .body("summary", is("Summary of Budget vote"))
                .body("body", is("First paragraph of Budget vote.\n\nSecond paragraph."))
                .body("author", is("Ana Reporter"))
                .body("publishedAt", is(publishedAt))
                .body("version", is(1))
                .body("keySet()", containsInAnyOrder("slug", "section", "title", "summary", "body", "author",
                        "publishedAt", "updatedAt", "version"));

        // publishing again keeps the first publication time but moves updatedAt
        String updatedAt = publish(slug).then().statusCode(200).body("publishedAt", is(publishedAt))
                .extract().path("updatedAt");
        assertTrue(OffsetDateTime.parse(updatedAt).isAfter(OffsetDateTime.parse(publishedAt)));
    }

    @Test
    void conditionalGetAnswers304() {
        String slug = unique("etag");
        createPublished(slug, "world", "Etag");
        given().header("If-None-Match", "\"1\"").get("/api/v1/articles/{slug}", slug).then().statusCode(304);
        given().header("If-None-Match", "\"0\"").get("/api/v1/articles/{slug}", slug).then().statusCode(200);
    }

    @Test
    void aTakenSlugIsAConflict() {
        String slug = unique("twice");
        create(article(slug, "world", "Once")).then().statusCode(201);
        create(article(slug, "world", "Twice")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", is(409));
    }

    @Test
    void unknownSlugIs404ProblemJson() {
        given().get("/api/v1/articles/{slug}", "no-such-article").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", is(404))
                .body("title", is("Not Found"))
                .body("instance", is("/api/v1/articles/no-such-article"));
        given().header("Authorization", EDITOR).post("/api/v1/articles/{slug}/publish", "no-such-article")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void sectionListsNewestPublishedFirstWithPaging() {
        String section = unique("sec");
        String first = unique("first");
        String second = unique("second");
        String third = unique("third");
        String draft = unique("draft");
        createPublished(first, section, "First");
        createPublished(second, section, "Second");
        createPublished(third, section, "Third");
        create(article(draft, section, "Draft")).then().statusCode(201);

        given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200)
                .body("section", is(section))
                .body("page", is(0))
                .body("size", is(20))
                .body("items.slug", contains(third, second, first))
                .body("items[0].title", is("Third"))
                .body("items[0].section", is(section))
                .body("items[0].summary", is("Summary of Third"))
                .body("items[0].author", is("Ana Reporter"))
                .body("items[0].publishedAt", notNullValue())
                .body("items[0].body", nullValue());

        given().queryParam("page", 0).queryParam("size", 2).get("/api/v1/sections/{s}/articles", section).then()
                .statusCode(200).body("size", is(2)).body("items.slug", contains(third, second));
        given().queryParam("page", 1).queryParam("size", 2).get("/api/v1/sections/{s}/articles", section).then()
                .statusCode(200).body("page", is(1)).body("items.slug", contains(first));
        given().queryParam("page", 2).queryParam("size", 2).get("/api/v1/sections/{s}/articles", section).then()
                .statusCode(200).body("items", empty());
    }

    @Test
    void pageSizeIsAtMost100() {
        given().queryParam("size", 101).get("/api/v1/sections/world/articles").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("size"));
        given().queryParam("size", 100).get("/api/v1/sections/world/articles").then().statusCode(200);
        given().queryParam("page", -1).get("/api/v1/sections/world/articles").then().statusCode(400);
    }

    @Test
    void updateWithIfMatch() {
        String slug = unique("if-match");
        createPublished(slug, "business", "Original");
        Map<String, Object> change = update("business", "Changed", null);

        given().header("Authorization", EDITOR).header("If-Match", "\"1\"").contentType(ContentType.JSON).body(change)
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200)
                .header("ETag", "\"2\"")
                .body("title", is("Changed"))
                .body("version", is(2));

        // the same (now stale) version again
        given().header("Authorization", EDITOR).header("If-Match", "\"1\"").contentType(ContentType.JSON).body(change)
                .put("/api/v1/articles/{slug}", slug).then().statusCode(412)
                .contentType("application/problem+json")
                .body("status", is(412));

        given().get("/api/v1/articles/{slug}", slug).then().body("title", is("Changed")).body("version", is(2));
    }

    @Test
    void updateWithoutAnyVersionIs428() {
        String slug = unique("no-version");
        createPublished(slug, "business", "Original");
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(update("business", "Changed", null))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(428)
                .contentType("application/problem+json")
                .body("status", is(428));
        given().get("/api/v1/articles/{slug}", slug).then().body("title", is("Original"));
    }

    @Test
    void updateWithBodyVersion() {
        String slug = unique("body-version");
        createPublished(slug, "business", "Original");

        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(update("business", "Stale", 0))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", is(409));

        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(update("culture", "Fresh", 1))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200)
                .body("title", is("Fresh"))
                .body("section", is("culture"))
                .body("version", is(2));
        given().get("/api/v1/articles/{slug}", slug).then().body("title", is("Fresh")).body("version", is(2));
    }

    @Test
    void updatingAnUnknownArticleIs404() {
        given().header("Authorization", EDITOR).header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(update("world", "Nothing", null))
                .put("/api/v1/articles/{slug}", unique("ghost")).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void writesNeedTheEditorToken() {
        String slug = unique("guarded");
        Map<String, Object> body = article(slug, "world", "Guarded");

        given().contentType(ContentType.JSON).body(body).post("/api/v1/articles").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", is(401));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON).body(body)
                .post("/api/v1/articles").then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", is(403));
        given().header("Authorization", "Basic ZGV2LWVkaXRvci10b2tlbg==").contentType(ContentType.JSON).body(body)
                .post("/api/v1/articles").then().statusCode(401);

        create(body).then().statusCode(201);
        given().post("/api/v1/articles/{slug}/publish", slug).then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer wrong").post("/api/v1/articles/{slug}/publish", slug).then().statusCode(403);
        given().header("If-Match", "\"0\"").contentType(ContentType.JSON).body(update("world", "X", null))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(401);
        given().header("Authorization", "Bearer wrong").header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(update("world", "X", null)).put("/api/v1/articles/{slug}", slug).then().statusCode(403);

        // nothing of that changed the draft
        given().header("Authorization", EDITOR).get("/api/v1/articles/{slug}", slug).then().statusCode(200)
                .body("title", is("Guarded")).body("publishedAt", nullValue());
    }

    @Test
    void theTokenIsCheckedBeforeTheBody() {
        given().contentType(ContentType.JSON).body("{ not json").post("/api/v1/articles").then().statusCode(401);
    }

    @Test
    void openApiDescribesTheApi() {
        String doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().asString();
        for (String path : List.of("/api/v1/articles/{slug}", "/api/v1/sections/{section}/articles", "/fragments/teasers",
                "/fragments/article/{slug}", "/api/v1/articles/{slug}/publish")) {
            assertTrue(doc.contains("\"" + path + "\""), "OpenAPI lacks " + path);
        }
    }

    @Test
    void readinessCoversPostgresAndInfinispan() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(equalToIgnoringCase("Reactive PostgreSQL connections health check")))
                .body("checks.name", hasItem("content-service Infinispan caches"))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    static Map<String, Object> update(String section, String title, Integer version) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("section", section);
        body.put("title", title);
        body.put("summary", "Summary of " + title);
        body.put("body", "Body of " + title);
        body.put("author", "Ana Reporter");
        if (version != null) {
            body.put("version", version);
        }
        return body;
    }
}
