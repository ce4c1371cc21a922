package io.manchete.comments.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static io.manchete.comments.api.Api.count;
import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.metric;
import static io.manchete.comments.api.Api.post;
import static io.manchete.comments.api.Api.postOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class CommentsApiTest {
    private static final String PROBLEM = "application/problem+json";

    @Test
    void postedCommentIsListedCountedAndReadable() {
        String slug = freshSlug("post");
        Response created = post(slug, "Ana", "First!");
        created.then().statusCode(201)
                .contentType(ContentType.JSON)
                .body("articleSlug", equalTo(slug))
                .body("author", equalTo("Ana"))
                .body("body", equalTo("First!"))
                .body("createdAt", not(nullValue()));
        long id = created.jsonPath().getLong("id");
        assertTrue(created.header("Location").endsWith("/api/v1/comments/" + id), created.header("Location"));
        Instant createdAt = Instant.parse(created.jsonPath().getString("createdAt"));
        assertTrue(Math.abs(Instant.now().getEpochSecond() - createdAt.getEpochSecond()) < 60);

        given().get(created.header("Location")).then().statusCode(200).body("id", is((int) id)).body("body", equalTo("First!"));
        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", is((int) id))
                .body("items[0].articleSlug", equalTo(slug))
                .body("items[0].author", equalTo("Ana"))
                .body("items[0].createdAt", equalTo(created.jsonPath().getString("createdAt")))
                .body("next", nullValue());
        given().get("/api/v1/articles/{slug}/comments/count", slug).then().statusCode(200)
                .body("slug", equalTo(slug)).body("count", is(1));
    }

    @Test
    void commentsOfOtherArticlesStayApart() {
        String a = freshSlug("apart-a");
        String b = freshSlug("apart-b");
        postOk(a, "Ana", "on a");
        postOk(b, "Bo", "on b");
        postOk(b, "Bo", "on b again");
        assertEquals(1, count(a));
        assertEquals(2, count(b));
        given().get("/api/v1/articles/{slug}/comments", a).then().body("items", hasSize(1)).body("items[0].body", equalTo("on a"));
    }

    @Test
    void keysetPagesCoverEveryCommentOnceNewestFirst() {
        String slug = freshSlug("pages");
        List<Long> posted = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            posted.add(postOk(slug, "reader" + i, "comment " + i));
        }
        List<Long> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            var request = given().queryParam("limit", 5);
            if (after != null) {
                request.queryParam("after", after);
            }
            Response page = request.get("/api/v1/articles/{slug}/comments", slug);
            page.then().statusCode(200);
            List<Long> ids = page.jsonPath().getList("items.id", Long.class);
            assertTrue(ids.size() <= 5);
            seen.addAll(ids);
            after = page.jsonPath().getString("next");
            pages++;
            assertTrue(pages <= 10, "pagination does not end");
        } while (after != null);

        assertEquals(5, pages);
        List<Long> newestFirst = new ArrayList<>(posted);
        newestFirst.sort((x, y) -> Long.compare(y, x));
        assertEquals(newestFirst, seen);
        assertEquals(seen.size(), new HashSet<>(seen).size());
    }

    @Test
    void exactlyFullLastPageHasNoNextCursor() {
        String slug = freshSlug("full");
        for (int i = 0; i < 4; i++) {
            postOk(slug, "r", "c" + i);
        }
        String next = given().queryParam("limit", 2).get("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(200).body("items", hasSize(2)).extract().jsonPath().getString("next");
        assertNotNull(next);
        String last = given().queryParam("limit", 2).queryParam("after", next).get("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(200).body("items", hasSize(2)).extract().jsonPath().getString("next");
        assertNull(last);
    }

    @Test
    void defaultPageIsTwentyAndLimitIsBounded() {
        String slug = freshSlug("limits");
        for (int i = 0; i < 21; i++) {
            postOk(slug, "r", "c" + i);
        }
        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200)
                .body("items", hasSize(20)).body("next", not(nullValue()));
        given().queryParam("limit", 100).get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200).body("items", hasSize(21));
        for (String bad : new String[] {"0", "101", "-1", "ten"}) {
            given().queryParam("limit", bad).get("/api/v1/articles/{slug}/comments", slug).then()
                    .statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("limit"));
        }
    }

    @Test
    void invalidCursorIsABadRequestNamingAfter() {
        String slug = freshSlug("cursor");
        for (String bad : new String[] {"garbage!", "djI6MTox", "dgo"}) {
            given().queryParam("after", bad).get("/api/v1/articles/{slug}/comments", slug).then()
                    .statusCode(400).contentType(PROBLEM)
                    .body("status", is(400))
                    .body("errors[0].field", equalTo("after"))
                    .body(not(containsString("Exception")));
        }
    }

    @Test
    void bodyOverFourThousandCharactersIsTooLarge() {
        String slug = freshSlug("large");
        post(slug, "Ana", "x".repeat(4001)).then().statusCode(413).contentType(PROBLEM)
                .body("status", is(413)).body("errors[0].field", equalTo("body"));
        post(slug, "Ana", "x".repeat(4000)).then().statusCode(201);
        assertEquals(1, count(slug));
    }

    @Test
    void requestBodiesOverOneMegabyteAreRefused() {
        String slug = freshSlug("huge");
        given().contentType(ContentType.JSON).body("{\"author\":\"Ana\",\"body\":\"" + "x".repeat(1_100_000) + "\"}")
                .post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(413).contentType(PROBLEM).body("status", is(413));
        assertEquals(0, count(slug));
    }

    @Test
    void blankOrMissingFieldsAreBadRequestsNamingTheField() {
        String slug = freshSlug("blank");
        post(slug, " ", "hello").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("author")));
        post(slug, "Ana", "").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("body")));
        post(slug, "x".repeat(81), "hello").then().statusCode(400).body("errors.field", equalTo(List.of("author")));
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(400).body("errors.field", equalTo(List.of("author", "body")));
        given().contentType(ContentType.JSON).post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(400).contentType(PROBLEM);
        assertEquals(0, count(slug));
    }

    @Test
    void malformedJsonIsABadRequestNamingTheField() {
        String slug = freshSlug("malformed");
        given().contentType(ContentType.JSON).body("{\"author\": [\"Ana\"], \"body\": \"hi\"}")
                .post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("author"))
                .body(not(containsString("at io.")));
        given().contentType(ContentType.JSON).body("{\"author\": \"Ana\", \"body\": ")
                .post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(400).contentType(PROBLEM).body("status", is(400));
        assertEquals(0, count(slug));
    }

    @Test
    void overlongIdempotencyKeyIsABadRequest() {
        String slug = freshSlug("key");
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(101))
                .body(Map.of("author", "Ana", "body", "hi"))
                .post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("Idempotency-Key"));
        assertEquals(0, count(slug));
    }

    @Test
    void badSlugsAndUnknownCommentsAreNotFound() {
        given().get("/api/v1/articles/{slug}/comments", "Not_A_Slug").then().statusCode(404).contentType(PROBLEM);
        post("Not_A_Slug", "Ana", "hi").then().statusCode(404).contentType(PROBLEM);
        given().get("/api/v1/comments/{id}", 987654321).then().statusCode(404).contentType(PROBLEM);
        given().get("/api/v1/comments/{id}", "abc").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void unknownArticleHasNoComments() {
        String slug = freshSlug("empty");
        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200)
                .body("items", hasSize(0)).body("next", nullValue());
        assertEquals(0, count(slug));
    }

    @Test
    void healthOpenApiAndMetricsAreServed() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("PostgreSQL"))
                .body(containsString("Infinispan"))
                // a real round trip to both caches, like content-service and page-service
                .body("checks.find { it.name == 'comments-service Infinispan caches' }.status", equalTo("UP"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/articles/{slug}/comments"))
                .body(containsString("/fragments/comments/{slug}"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("manchete_db_queries_total"));
        given().get("/api/v1/nothing-here").then().statusCode(404).header("Content-Type", endsWith("json"));
    }

    @Test
    void databaseStatementsAreCountedByWhatTheyWereFor() {
        String slug = freshSlug("db-cause");
        double reads = metric("manchete_db_queries_total", "service=\"comments\"", "cause=\"read\"");
        double writes = metric("manchete_db_queries_total", "service=\"comments\"", "cause=\"write\"");

        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200);
        double readsAfterGet = metric("manchete_db_queries_total", "service=\"comments\"", "cause=\"read\"");
        assertTrue(readsAfterGet > reads, "a GET answered from the database counts as a read");
        assertEquals(writes, metric("manchete_db_queries_total", "service=\"comments\"", "cause=\"write\""), "a GET is no write");

        post(slug, "Ana", "counted").then().statusCode(201);
        assertTrue(metric("manchete_db_queries_total", "service=\"comments\"", "cause=\"write\"") > writes,
                "a POST's statements count as writes");
        assertEquals(readsAfterGet, metric("manchete_db_queries_total", "service=\"comments\"", "cause=\"read\""),
                "and not as reads");
    }
}
