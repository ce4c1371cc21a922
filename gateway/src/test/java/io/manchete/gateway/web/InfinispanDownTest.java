package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With Infinispan gone the gateway composes pages without its caches (never an error page) and the
 * purge API answers 503, so the services' relays keep their purges; when Infinispan is back, pages
 * are cached and purges recorded again — including purges another replica records. Runs last (it
 * restarts the shared server).
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
@Order(Integer.MAX_VALUE)
class InfinispanDownTest {

    @Test
    void pagesAreComposedWhileInfinispanIsDownAndCachingRecovers() {
        InfinispanServer infinispan = RealInfrastructure.infinispan();
        assertNotNull(infinispan, "the test resource starts an Infinispan Server");
        Gateway.fresh();
        String before = Gateway.newStory();
        given().get("/world/" + before).then().statusCode(200).header("Cache-Status", "Manchete; fwd=miss; stored");

        infinispan.kill();
        try {
            long started = System.nanoTime();
            String during = Gateway.newStory();
            for (int i = 0; i < 3; i++) {
                given().get("/world/" + during).then().statusCode(200)
                        .header("Cache-Status", startsWith("Manchete; fwd=bypass"))
                        .body(containsString("<p>Body of " + during + "</p>"));
            }
            given().get("/world/" + before).then().statusCode(200)
                    .body(containsString("<p>Body of " + before + "</p>"));
            given().get("/").then().statusCode(200);
            given().header("Authorization", "Bearer " + Gateway.PURGE_TOKEN).contentType(ContentType.JSON)
                    .body("{\"tags\":[\"article:" + during + "\"],\"source\":\"test\"}")
                    .post(PurgeApi.PATH).then()
                    .statusCode(503)
                    .header("Retry-After", "1")
                    .contentType("application/problem+json")
                    .body("status", equalTo(503));
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertTrue(seconds < 15, "answers with Infinispan down must stay quick, took " + seconds + " s");
            assertTrue(Gateway.metric("manchete_cache_failures_total{cache=\"gateway-pages\",operation=\"get\"}") > 0
                    || Gateway.metric("manchete_cache_failures_total{cache=\"gateway-fragments\",operation=\"get\"}") > 0,
                    "failures are counted");
        } finally {
            infinispan.start();
        }

        // back: purges are recorded again, pages are cached again
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().header("Authorization", "Bearer " + Gateway.PURGE_TOKEN).contentType(ContentType.JSON)
                        .body("{\"tags\":[\"shell\"],\"source\":\"test\"}").post(PurgeApi.PATH).then().statusCode(204));
        String after = Gateway.newStory();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            given().get("/world/" + after).then().statusCode(200);
            given().get("/world/" + after).then().header("Cache-Status", startsWith("Manchete; hit"));
        });
        // a purge another replica records reaches this gateway's near caches again
        PageCacheTest.articleAnswers(after, "<p>After the outage</p>", StubUpstreams.cacheControl(60));
        try (OtherReplica replica = new OtherReplica()) {
            replica.purge("article:" + after);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    given().get("/world/" + after).then().body(containsString("<p>After the outage</p>")));
        }
    }
}
