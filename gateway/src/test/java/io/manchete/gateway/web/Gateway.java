package io.manchete.gateway.web;

import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.gateway.stub.Stubs;
import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Test helpers around the running gateway: a clean start per test, purges. */
public final class Gateway {
    public static final String PURGE_TOKEN = "dev-purge-token";

    private Gateway() {
    }

    /** Stub rules and counters reset, and the gateway's caches empty (they live in the shared Infinispan). */
    public static void fresh() {
        Stubs.reset();
        Arc.container().instance(GatewayCaches.class).get().clear().join();
    }

    /** Purges {@code tags} through the API and expects 204. */
    public static void purge(String... tags) {
        given().header("Authorization", "Bearer " + PURGE_TOKEN).contentType(ContentType.JSON)
                .body(new JsonObject().put("tags", new JsonArray(List.of(tags))).put("source", "test").encode())
                .post(PurgeApi.PATH).then().statusCode(204);
    }

    /** The value of a counter in /q/metrics ({@code name{labels}} exactly as Prometheus prints it), 0 if absent. */
    public static double metric(String nameAndLabels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
            }
        }
        return 0;
    }

    /** A slug the stub knows as a published article, unused so far. */
    public static String newStory() {
        return "story-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
