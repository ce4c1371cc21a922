package io.manchete.content.purge;

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
import java.util.Set;

import static io.manchete.content.Fixtures.EDITOR;
import static io.manchete.content.Fixtures.article;
import static io.manchete.content.Fixtures.create;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.publish;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active expiration against a stub gateway: the tags a write changes reach
 * {@code POST /internal/v1/purge} right after the commit; while the gateway fails they wait in
 * {@code purge_outbox} and are delivered once it answers again; a failed write announces nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
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
    void publishingAndUpdatingDeliverTheArticleAndItsSection() {
        String slug = unique("purged");
        String section = unique("sec");
        create(article(slug, section, "Draft")).then().statusCode(201);
        publish(slug).then().statusCode(200);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20))
                .until(() -> delivered("article:" + slug, "section:" + section));

        int before = requests().size();
        given().header("Authorization", EDITOR).header("If-Match", "\"1\"").contentType(ContentType.JSON)
                .body(change(section, "Updated", null))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20))
                .until(() -> delivered(before, "article:" + slug, "section:" + section));

        JsonObject request = requests().get(before);
        assertEquals("Bearer dev-purge-token", request.getString("authorization"));
        JsonObject body = new JsonObject(request.getString("body"));
        assertEquals("content", body.getString("source"));
        assertEquals(0, outboxRows("article:" + slug), "delivered rows leave the outbox");
    }

    @Test
    void movingAnArticleDeliversBothSections() {
        String slug = unique("moved");
        String from = unique("from");
        String to = unique("to");
        createPublished(slug, from, "Moving");
        int before = requests().size();
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(change(to, "Moved", 1))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20))
                .until(() -> delivered(before, "article:" + slug, "section:" + to, "section:" + from));
    }

    @Test
    void whileTheGatewayFailsTheTagsWaitInTheOutboxAndNothingIsLost() {
        String slug = unique("retried");
        String section = unique("sec");
        create(article(slug, section, "Retried")).then().statusCode(201);
        answer(503);
        int before = requests().size();
        publish(slug).then().statusCode(200);

        // the relay keeps trying (after the commit, then every second); the row stays meanwhile
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> attempts(before, 503, "article:" + slug) >= 2);
        assertEquals(1, outboxRows("article:" + slug));
        assertFalse(delivered(before, "article:" + slug), "nothing answered 2xx yet");

        answer(204);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> delivered(before, "article:" + slug, "section:" + section));
        await().atMost(Duration.ofSeconds(2)).until(() -> outboxRows("article:" + slug) == 0);
    }

    @Test
    void aWriteThatFailsOrChangesNothingPublicRecordsNothing() {
        String slug = unique("refused");
        String section = unique("sec");
        String draft = unique("draft");
        createPublished(slug, section, "Refused");
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20)).until(() -> delivered("article:" + slug));

        // with the gateway failing, whatever these writes recorded would stay in the outbox
        answer(503);
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(change(section, "Stale", 0))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(409);
        given().header("Authorization", EDITOR).header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(change(section, "Stale", null))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(412);
        create(article(slug, section, "Taken")).then().statusCode(409);
        create(article(draft, section, "Draft")).then().statusCode(201);
        given().header("Authorization", EDITOR).header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(change(section, "Draft edited", null))
                .put("/api/v1/articles/{slug}", draft).then().statusCode(200);

        assertEquals(0, outboxRows("article:" + slug));
        assertEquals(0, outboxRows("article:" + draft));
        assertEquals(0, outboxRows("section:" + section));
    }

    // ---- the stub gateway and the outbox

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

    private static Set<String> tags(JsonObject request) {
        JsonArray tags = new JsonObject(request.getString("body")).getJsonArray("tags");
        return Set.copyOf(tags.getList());
    }

    /** Whether a request from index {@code from} on that the stub answered 2xx carried all these tags. */
    private boolean delivered(int from, String... wanted) {
        List<JsonObject> all = requests();
        for (JsonObject request : all.subList(Math.min(from, all.size()), all.size())) {
            if (request.getInteger("status") / 100 == 2 && tags(request).containsAll(List.of(wanted))) {
                return true;
            }
        }
        return false;
    }

    private boolean delivered(String... wanted) {
        return delivered(0, wanted);
    }

    /** How many requests from index {@code from} on carried the tag and were answered {@code status}. */
    private long attempts(int from, int status, String tag) {
        List<JsonObject> all = requests();
        return all.subList(Math.min(from, all.size()), all.size()).stream()
                .filter(r -> r.getInteger("status") == status && tags(r).contains(tag))
                .count();
    }

    /** Outbox rows carrying the tag. */
    private long outboxRows(String tag) {
        return pool.preparedQuery("SELECT count(*) FROM purge_outbox WHERE (' ' || tags || ' ') LIKE $1")
                .execute(Tuple.of("% " + tag + " %"))
                .await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }

    private static Map<String, Object> change(String section, String title, Integer version) {
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
