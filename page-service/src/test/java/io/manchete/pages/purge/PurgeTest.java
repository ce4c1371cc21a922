package io.manchete.pages.purge;

import io.manchete.launcher.testing.RealInfrastructure;
import io.manchete.launcher.testing.StubGateway;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active expiration against a stub gateway: the tag a page-service write changes ({@code front:{name}}
 * for a front PUT, {@code shell} for new asset content) reaches {@code POST /internal/v1/purge} right
 * after the commit with the purge token; while the gateway fails the tags wait in
 * {@code purge_outbox} and are delivered once it answers again; a rejected write records nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "pages"))
@QuarkusTestResource(value = StubGateway.class, restrictToAnnotatedClass = true)
class PurgeTest {
    private static final Duration IMMEDIATELY = Duration.ofSeconds(1);
    private static final String EDITOR = "Bearer dev-editor-token";
    private static final AtomicInteger FRONTS = new AtomicInteger();

    @ConfigProperty(name = "manchete.purge.gateway-url")
    String gateway;

    @Inject
    Pool pool;

    @AfterEach
    void gatewayAnswersAgain() {
        answer(204);
    }

    @Test
    void aFrontPutDeliversItsFrontTagAtOnceWithTheToken() {
        int before = requests().size();
        editor().contentType("application/json").body("{\"slots\": {\"top\": [\"purged-story\"]}}")
                .put("/api/v1/fronts/home").then().statusCode(200);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20)).until(() -> delivered(before, "front:home"));

        JsonObject request = firstDelivered(before, "front:home").orElseThrow();
        assertEquals("Bearer dev-purge-token", request.getString("authorization"));
        JsonObject body = new JsonObject(request.getString("body"));
        assertEquals("pages", body.getString("source"));
        assertEquals(Set.of("front:home"), tags(request), "a front PUT changes only that front");
        await().atMost(Duration.ofSeconds(2)).until(() -> outboxRows("front:home") == 0);
    }

    @Test
    void newAssetContentDeliversShell() {
        int before = requests().size();
        byte[] css = ("/* purge " + System.nanoTime() + " */\nbody { margin: 0 }\n").getBytes(StandardCharsets.UTF_8);
        editor().contentType("text/css").body(css).put("/api/v1/assets/site.css").then().statusCode(200);
        await().atMost(IMMEDIATELY).pollInterval(Duration.ofMillis(20)).until(() -> delivered(before, "shell"));
        assertEquals("Bearer dev-purge-token", firstDelivered(before, "shell").orElseThrow().getString("authorization"));
        await().atMost(Duration.ofSeconds(2)).until(() -> outboxRows("shell") == 0);
    }

    @Test
    void whileTheGatewayFailsTheTagsWaitInTheOutboxAndNothingIsLost() {
        String front = "retried-" + FRONTS.incrementAndGet();
        answer(503);
        int before = requests().size();
        editor().contentType("application/json").body("{\"slots\": {\"lead\": [\"a-story\"]}}")
                .put("/api/v1/fronts/{name}", front).then().statusCode(200);

        // the relay keeps trying (after the commit, then every second); the row stays meanwhile
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> attempts(before, 503, "front:" + front) >= 2);
        assertEquals(1, outboxRows("front:" + front));
        assertFalse(delivered(before, "front:" + front), "nothing answered 2xx yet");

        answer(204);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> delivered(before, "front:" + front));
        await().atMost(Duration.ofSeconds(2)).until(() -> outboxRows("front:" + front) == 0);
    }

    @Test
    void aRejectedWriteRecordsNothing() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> allOutboxRows() == 0);
        // with the gateway failing, whatever these writes recorded would stay in the outbox
        answer(503);

        String json = "{\"slots\": {\"top\": [\"refused\"]}}";
        given().contentType("application/json").body(json).put("/api/v1/fronts/home").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").contentType("application/json").body(json)
                .put("/api/v1/fronts/home").then().statusCode(403);
        editor().contentType("application/json").body("{\"slots\": {\"top\": \"not-a-list\"}}")
                .put("/api/v1/fronts/home").then().statusCode(400);
        editor().contentType("application/json").body("{\"slots\": ").put("/api/v1/fronts/home").then().statusCode(400);
        editor().contentType("application/json").body(json).put("/api/v1/fronts/Bad_Name").then().statusCode(400);

        given().contentType("text/css").body("a{}").put("/api/v1/assets/site.css").then().statusCode(401);
        editor().contentType("text/css").body("a{}").put("/api/v1/assets/Bad..name").then().statusCode(400);
        editor().contentType("text/css").body(new byte[0]).put("/api/v1/assets/site.css").then().statusCode(400);
        editor().contentType("text/css").body(new byte[1048577]).put("/api/v1/assets/site.css").then().statusCode(413);

        // the same content again changes nothing, so it announces nothing either
        String path = given().get("/api/v1/assets").then().statusCode(200)
                .extract().path("find { it.name == 'site.js' }.path");
        byte[] same = given().get(path).then().statusCode(200).extract().asByteArray();
        editor().contentType("text/javascript; charset=utf-8").body(same).put("/api/v1/assets/site.js").then()
                .statusCode(200);

        assertEquals(0, allOutboxRows());
        assertTrue(requests().stream().noneMatch(r -> tags(r).contains("front:bad_name")));
    }

    // ---- the stub gateway and the outbox

    private static RequestSpecification editor() {
        return given().header("Authorization", EDITOR);
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

    private static Set<String> tags(JsonObject request) {
        JsonArray tags = new JsonObject(request.getString("body")).getJsonArray("tags");
        return Set.copyOf(tags.getList());
    }

    /** The first request from index {@code from} on that the stub answered 2xx and that carried all these tags. */
    private Optional<JsonObject> firstDelivered(int from, String... wanted) {
        List<JsonObject> all = requests();
        return all.subList(Math.min(from, all.size()), all.size()).stream()
                .filter(r -> r.getInteger("status") / 100 == 2 && tags(r).containsAll(List.of(wanted)))
                .findFirst();
    }

    private boolean delivered(int from, String... wanted) {
        return firstDelivered(from, wanted).isPresent();
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

    private long allOutboxRows() {
        return pool.query("SELECT count(*) FROM purge_outbox").execute()
                .await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }
}
