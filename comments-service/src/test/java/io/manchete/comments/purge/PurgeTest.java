package io.manchete.comments.purge;

import io.manchete.launcher.testing.RealInfrastructure;
import io.manchete.launcher.testing.StubGateway;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Active expiration against a stub gateway: a post or a hide delivers {@code comments:{slug}} to
 * {@code POST /internal/v1/purge} right after the commit; while the gateway fails the tag waits in
 * {@code purge_outbox}; a refused or repeated post announces nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
@QuarkusTestResource(value = StubGateway.class, restrictToAnnotatedClass = true)
class PurgeTest {
    private static final Duration IMMEDIATELY = Duration.ofSeconds(1);

    @ConfigProperty(name = "manchete.purge.gateway-url")
    String gateway;

    @Inject
    Pool pool;

    @AfterEach
    void gatewayAnswersAgain() {
        answer(204);
    }

    @Test
    void postAndHideDeliverTheCommentsTag() {
        String slug = slug("purged");
        long id = post(slug, null, "Ana", "hello").then().statusCode(201).extract().jsonPath().getLong("id");
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20)).until(() -> delivered(0, "comments:" + slug));
        JsonObject request = lastRequestWith("comments:" + slug);
        assertEquals("Bearer dev-purge-token", request.getString("authorization"));
        assertEquals("comments", new JsonObject(request.getString("body")).getString("source"));
        await().atMost(IMMEDIATELY).until(() -> outboxRows("comments:" + slug) == 0);

        int before = requests().size();
        given().header("Authorization", "Bearer dev-moderator-token").post("/api/v1/comments/{id}/hide", id)
                .then().statusCode(200);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20)).until(() -> delivered(before, "comments:" + slug));
    }

    @Test
    void whileTheGatewayFailsTheTagWaitsAndIsDeliveredLater() {
        String slug = slug("retried");
        answer(503);
        int before = requests().size();
        post(slug, null, "Ana", "patience").then().statusCode(201);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> attempts(before, 503, "comments:" + slug) >= 2);
        assertEquals(1, outboxRows("comments:" + slug));
        assertFalse(delivered(before, "comments:" + slug));

        answer(204);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> delivered(before, "comments:" + slug));
        await().atMost(Duration.ofSeconds(2)).until(() -> outboxRows("comments:" + slug) == 0);
    }

    @Test
    void refusedAndRepeatedPostsRecordNothing() {
        String slug = slug("quiet");
        String key = UUID.randomUUID().toString();
        post(slug, key, "Ana", "once").then().statusCode(201);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20)).until(() -> delivered(0, "comments:" + slug));
        await().atMost(IMMEDIATELY).until(() -> outboxRows("comments:" + slug) == 0);

        answer(503); // whatever these record would now stay in the outbox
        post(slug, key, "Ana", "once").then().statusCode(200);
        post(slug, null, "Ana", "x".repeat(4001)).then().statusCode(413);
        post(slug, null, " ", "blank author").then().statusCode(400);
        assertEquals(0, outboxRows("comments:" + slug));
    }

    // ---- helpers

    private static String slug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static io.restassured.response.Response post(String slug, String key, String author, String body) {
        var request = given().contentType(ContentType.JSON).body(Map.of("author", author, "body", body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.post("/api/v1/articles/{slug}/comments", slug);
    }

    private void answer(int status) {
        given().body(Integer.toString(status)).put(gateway + "/_stub/status").then().statusCode(204);
    }

    private List<JsonObject> requests() {
        JsonArray all = new JsonArray(given().get(gateway + "/_stub/requests").then().statusCode(200).extract().asString());
        List<JsonObject> list = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            list.add(all.getJsonObject(i));
        }
        return list;
    }

    private static List<?> tags(JsonObject request) {
        return new JsonObject(request.getString("body")).getJsonArray("tags").getList();
    }

    private JsonObject lastRequestWith(String tag) {
        List<JsonObject> all = requests();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (tags(all.get(i)).contains(tag)) {
                return all.get(i);
            }
        }
        throw new AssertionError("no request carried " + tag);
    }

    /** Whether a request from index {@code from} on, answered 2xx, carried the tag. */
    private boolean delivered(int from, String tag) {
        List<JsonObject> all = requests();
        return all.subList(Math.min(from, all.size()), all.size()).stream()
                .anyMatch(r -> r.getInteger("status") / 100 == 2 && tags(r).contains(tag));
    }

    private long attempts(int from, int status, String tag) {
        List<JsonObject> all = requests();
        return all.subList(Math.min(from, all.size()), all.size()).stream()
                .filter(r -> r.getInteger("status") == status && tags(r).contains(tag))
                .count();
    }

    private long outboxRows(String tag) {
        return pool.preparedQuery("SELECT count(*) FROM purge_outbox WHERE (' ' || tags || ' ') LIKE $1")
                .execute(Tuple.of("% " + tag + " %"))
                .await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }
}
