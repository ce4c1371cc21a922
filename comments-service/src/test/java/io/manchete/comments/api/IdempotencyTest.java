package io.manchete.comments.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.manchete.comments.api.Api.count;
import static io.manchete.comments.api.Api.freshSlug;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class IdempotencyTest {
    private static Response post(String slug, String key, String author, String body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("author", author, "body", body))
                .post("/api/v1/articles/{slug}/comments", slug);
    }

    @Test
    void repeatAnswersTheFirstCommentAndStoresNothing() {
        String slug = freshSlug("idem");
        String key = UUID.randomUUID().toString();
        Response first = post(slug, key, "Ana", "Only once");
        first.then().statusCode(201);
        long id = first.jsonPath().getLong("id");

        Response again = post(slug, key, "Ana", "Only once");
        again.then().statusCode(200).body("id", equalTo((int) id)).body("body", equalTo("Only once"));
        assertEquals(first.jsonPath().getString("createdAt"), again.jsonPath().getString("createdAt"));
        assertEquals(null, again.header("Location"));
        assertEquals(1, count(slug));
        given().get("/api/v1/articles/{slug}/comments", slug).then().body("items", hasSize(1));
    }

    @Test
    void differentKeysStoreDifferentComments() {
        String slug = freshSlug("idem-keys");
        post(slug, "k1-" + slug, "Ana", "same text").then().statusCode(201);
        post(slug, "k2-" + slug, "Ana", "same text").then().statusCode(201);
        assertEquals(2, count(slug));
    }

    @Test
    void keyReusedForADifferentCommentIsAConflict() {
        String slug = freshSlug("idem-reuse");
        String key = UUID.randomUUID().toString();
        post(slug, key, "Ana", "one").then().statusCode(201);
        post(slug, key, "Ana", "two").then().statusCode(409).contentType("application/problem+json")
                .body("errors[0].field", equalTo("Idempotency-Key"));
        post(freshSlug("idem-other"), key, "Ana", "one").then().statusCode(409);
        assertEquals(1, count(slug));
    }

    /**
     * One key, two different comments racing (draft-ietf-httpapi-idempotency-key-header: a key reused
     * for a different request is refused; this API answers 409 problem+json): whichever commits first
     * is stored, every request for it is acknowledged with its id, every request for the other is refused.
     */
    @Test
    void concurrentPostsWithOneKeyButDifferentCommentsStoreOneAndRefuseTheOther() throws Exception {
        String slug = freshSlug("idem-race-diff");
        String key = UUID.randomUUID().toString();
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Response> answers = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String body = i % 2 == 0 ? "first version" : "second version";
                bodies.add(body);
                futures.add(pool.submit(() -> {
                    start.await();
                    return post(slug, key, "Racer", body);
                }));
            }
            start.countDown();
            for (Future<Response> f : futures) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        JsonPath list = given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200)
                .body("items", hasSize(1)).extract().jsonPath();
        String stored = list.getString("items[0].body");
        long id = list.getLong("items[0].id");
        int created = 0;
        for (int i = 0; i < n; i++) {
            Response r = answers.get(i);
            if (bodies.get(i).equals(stored)) {
                r.then().statusCode(anyOf(equalTo(200), equalTo(201))).body("id", equalTo((int) id));
                created += r.statusCode() == 201 ? 1 : 0;
            } else {
                r.then().statusCode(409).contentType("application/problem+json")
                        .body("errors[0].field", equalTo("Idempotency-Key"));
            }
        }
        assertEquals(1, created, "exactly one request created the comment");
        assertEquals(1, count(slug));
    }

    @Test
    void concurrentPostsWithOneKeyStoreOneRow() throws Exception {
        String slug = freshSlug("idem-race");
        String key = UUID.randomUUID().toString();
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post(slug, key, "Racer", "Who wins?");
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (Future<Response> answer : answers) {
                Response r = answer.get(60, TimeUnit.SECONDS);
                statuses.add(r.statusCode());
                ids.add(r.jsonPath().getLong("id"));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(n - 1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(1, ids.stream().distinct().count(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count(slug));
        given().get("/api/v1/articles/{slug}/comments", slug).then().body("items", hasSize(1));
    }
}
