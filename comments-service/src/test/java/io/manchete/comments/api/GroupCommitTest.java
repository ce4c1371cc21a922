package io.manchete.comments.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import static io.manchete.comments.api.Api.count;
import static io.manchete.comments.api.Api.atOnce;
import static io.manchete.comments.api.Api.dbQueries;
import static io.manchete.comments.api.Api.freshSlug;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit: posts that arrive together go to PostgreSQL as one statement (comments and purge
 * announcement together), each is acknowledged only once stored, and idempotency keys keep their
 * meaning inside a batch and across batches.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class GroupCommitTest {
    @Inject
    Pool pool;

    private static Response post(String slug, String key, String author, String body) {
        var request = given().contentType(ContentType.JSON).body(Map.of("author", author, "body", body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.post("/api/v1/articles/{slug}/comments", slug);
    }

    private List<Row> rows(String sql, Object... args) {
        List<Row> list = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.from(List.of(args))).await().atMost(Duration.ofSeconds(5)).forEach(list::add);
        return list;
    }

    @Test
    void concurrentPostsAreStoredOnceAcknowledgedAndShareStatements() throws Exception {
        int posts = 50;
        List<String> slugs = List.of(freshSlug("batch-a"), freshSlug("batch-b"), freshSlug("batch-c"));
        for (String slug : slugs) {
            post(slug, null, "Warm", "first comment of " + slug).then().statusCode(201); // the cached first page exists
        }
        List<Callable<Response>> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < posts; i++) {
            String slug = slugs.get(i % slugs.size());
            String key = i % 5 == 4 ? null : UUID.randomUUID().toString(); // some JSON callers send no key
            keys.add(key);
            String body = "post " + i;
            String author = "Reader " + i % 7;
            calls.add(() -> post(slug, key, author, body));
        }
        double before = dbQueries();
        List<Response> answers = atOnce(calls);
        double statements = dbQueries() - before;

        Map<Long, Integer> idToPost = new HashMap<>();
        for (int i = 0; i < posts; i++) {
            Response r = answers.get(i);
            r.then().statusCode(201);
            assertEquals("post " + i, r.jsonPath().getString("body"));
            assertEquals(slugs.get(i % slugs.size()), r.jsonPath().getString("articleSlug"));
            assertEquals(null, idToPost.put(r.jsonPath().getLong("id"), i), "two posts answered one id");
        }
        // the database holds each post exactly once, under the id it was acknowledged with
        for (int i = 0; i < posts; i++) {
            long id = answers.get(i).jsonPath().getLong("id");
            List<Row> stored = rows("SELECT body, article_slug, idempotency_key FROM comment WHERE id = $1", id);
            assertEquals(1, stored.size());
            assertEquals("post " + i, stored.get(0).getString("body"));
            assertEquals(keys.get(i), stored.get(0).getString("idempotency_key"));
        }
        for (String slug : slugs) {
            long expected = 1 + posts / slugs.size() + (slugs.indexOf(slug) < posts % slugs.size() ? 1 : 0);
            assertEquals(expected, rows("SELECT count(*) FROM comment WHERE article_slug = $1", slug).get(0).getLong(0));
            assertEquals(expected, count(slug), "the cached count of " + slug);
        }
        System.out.printf("[GroupCommitTest] %d concurrent posts cost %.0f statements (%.2f per post)%n",
                posts, statements, statements / posts);
        // one post alone used to cost 2-4 statements plus 2 to refresh: 200+ for these 50
        assertTrue(statements <= posts / 2.0, statements + " statements for " + posts + " posts");
    }

    @Test
    void aLonePostCostsOneStatement() {
        String slug = freshSlug("batch-alone");
        post(slug, UUID.randomUUID().toString(), "Ana", "first").then().statusCode(201);
        double before = dbQueries();
        post(slug, UUID.randomUUID().toString(), "Bo", "second").then().statusCode(201);
        assertEquals(1.0, dbQueries() - before, "the insert (with its purge announcement); the refresh reads nothing");
        assertTrue(rows("SELECT count(*) FROM purge_outbox WHERE tags = $1", "comments:" + slug).get(0).getLong(0) >= 1,
                "the purge announcement went with the comment");
    }

    @Test
    void oneKeyTwiceAtOnceStoresOneCommentAndBothNameIt() throws Exception {
        String slug = freshSlug("batch-key");
        String key = UUID.randomUUID().toString();
        List<Response> answers = atOnce(List.of(
                () -> post(slug, key, "Ana", "only once"),
                () -> post(slug, key, "Ana", "only once")));
        List<Integer> statuses = answers.stream().map(Response::statusCode).sorted().toList();
        assertEquals(List.of(200, 201), statuses);
        assertEquals(answers.get(0).jsonPath().getLong("id"), answers.get(1).jsonPath().getLong("id"));
        assertEquals(1, rows("SELECT id FROM comment WHERE idempotency_key = $1", key).size());
        assertEquals(1, count(slug));

        post(slug, key, "Ana", "something else").then().statusCode(409).contentType("application/problem+json");
        post(slug, key, "Ana", "only once").then().statusCode(200);
        assertEquals(1, count(slug));
    }

    @Test
    void keysTakenBeforeAreAnsweredFromTheTableInsideABatch() throws Exception {
        String slug = freshSlug("batch-retry");
        String old = UUID.randomUUID().toString();
        long oldId = post(slug, old, "Ana", "stored before").then().statusCode(201).extract().jsonPath().getLong("id");
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String body = "new " + i;
            calls.add(i % 4 == 0 ? () -> post(slug, old, "Ana", "stored before")
                    : i % 4 == 1 ? () -> post(slug, old, "Ana", "not what was stored")
                    : () -> post(slug, UUID.randomUUID().toString(), "Bo", body));
        }
        List<Response> answers = atOnce(calls);
        int created = 0;
        for (int i = 0; i < answers.size(); i++) {
            Response r = answers.get(i);
            if (i % 4 == 0) {
                r.then().statusCode(200);
                assertEquals(oldId, r.jsonPath().getLong("id"));
            } else if (i % 4 == 1) {
                r.then().statusCode(409);
            } else {
                r.then().statusCode(201);
                created++;
            }
        }
        assertEquals(1 + created, count(slug));
        assertEquals(1, rows("SELECT id FROM comment WHERE idempotency_key = $1", old).size());
    }

    /**
     * A statement PostgreSQL refuses stores nothing and acknowledges nothing: a trigger refuses the
     * comments marked "poison"; their posts fail, every post that was acknowledged is stored, and no
     * purge announcement is left without its comment.
     */
    @Test
    void aRefusedBatchAcknowledgesNothingItDidNotStore() throws Exception {
        String marker = "poison-" + UUID.randomUUID();
        execute("CREATE FUNCTION refuse_" + fn(marker) + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.body LIKE '" + marker + "%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$");
        execute("CREATE TRIGGER refuse_" + fn(marker) + " BEFORE INSERT ON comment FOR EACH ROW EXECUTE FUNCTION refuse_" + fn(marker) + "()");
        try {
            String mixed = freshSlug("batch-poison");
            String refused = freshSlug("batch-refused");
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String body = i % 6 == 0 ? marker + " " + i : "fine " + i;
                String slug = i % 6 == 0 && i % 12 == 0 ? refused : mixed;
                calls.add(() -> post(slug, UUID.randomUUID().toString(), "Ana", body));
            }
            double before = dbQueries();
            List<Response> answers = atOnce(calls);
            double statements = dbQueries() - before;
            for (int i = 0; i < answers.size(); i++) {
                Response r = answers.get(i);
                if (i % 6 == 0) {
                    assertEquals(500, r.statusCode(), "post " + i);
                } else {
                    r.then().statusCode(201);
                    long id = r.jsonPath().getLong("id");
                    assertEquals(1, rows("SELECT id FROM comment WHERE id = $1 AND body = $2", id, "fine " + i).size());
                }
            }
            assertEquals(0, rows("SELECT id FROM comment WHERE body LIKE $1", marker + "%").size());
            assertEquals(20, count(mixed));
            assertEquals(0, count(refused));
            assertEquals(0, rows("SELECT id FROM purge_outbox WHERE tags = $1", "comments:" + refused).size(),
                    "no announcement of comments that were not stored");
            assertTrue(statements > 0);
        } finally {
            execute("DROP TRIGGER refuse_" + fn(marker) + " ON comment");
            execute("DROP FUNCTION refuse_" + fn(marker) + "()");
        }
        String after = freshSlug("batch-after");
        post(after, null, "Ana", "fine again").then().statusCode(201);
        assertEquals(1, count(after));
    }

    @Test
    void postsWithoutKeysAreNeverMerged() throws Exception {
        String slug = freshSlug("batch-nokey");
        List<Response> answers = atOnce(List.of(
                () -> post(slug, null, "Ana", "same words"),
                () -> post(slug, null, "Ana", "same words"),
                () -> post(slug, null, "Ana", "same words")));
        Set<Long> ids = new HashSet<>();
        for (Response r : answers) {
            r.then().statusCode(201);
            ids.add(r.jsonPath().getLong("id"));
        }
        assertEquals(3, ids.size(), "three comments, three ids");
        assertEquals(3, count(slug));
    }

    private static String fn(String marker) {
        return marker.replaceAll("[^a-z0-9]", "_");
    }

    private void execute(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(5));
    }
}
