package io.manchete.content.cache;

import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.manchete.content.Fixtures.EDITOR;
import static io.manchete.content.Fixtures.cacheHits;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With Infinispan gone the service reads and writes through PostgreSQL, within the cache timeout per
 * call; when it is back, the caches are used again. Runs last (it restarts the shared server).
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
@Order(Integer.MAX_VALUE)
class InfinispanRestartTest {

    @Test
    void readsAndWritesFallBackToTheDatabaseAndRecover() {
        InfinispanServer infinispan = RealInfrastructure.infinispan();
        assertNotNull(infinispan, "the test resource starts an Infinispan Server");
        String section = unique("down");
        String before = unique("before");
        createPublished(before, section, "Before the outage");
        given().get("/fragments/article/{slug}", before).then().statusCode(200);

        infinispan.kill();
        try {
            long started = System.nanoTime();
            given().get("/api/v1/articles/{slug}", before).then().statusCode(200).body("title", is("Before the outage"));
            given().get("/fragments/article/{slug}", before).then().statusCode(200)
                    .body(containsString("<h1>Before the outage</h1>"));
            given().queryParam("section", section).queryParam("limit", 5).get("/fragments/teasers").then().statusCode(200)
                    .body(containsString("Before the outage"));
            given().queryParam("slugs", before).get("/fragments/teasers").then().statusCode(200)
                    .body(containsString("Before the outage"));
            given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200);

            String during = unique("during");
            createPublished(during, section, "During the outage");
            given().get("/api/v1/articles/{slug}", during).then().statusCode(200).body("title", is("During the outage"));
            given().header("Authorization", EDITOR).header("If-Match", "\"1\"").contentType(ContentType.JSON)
                    .body(Map.of("section", section, "title", "Edited during the outage", "summary", "S", "body", "B",
                            "author", "A"))
                    .put("/api/v1/articles/{slug}", during).then().statusCode(200);
            given().get("/fragments/article/{slug}", during).then().statusCode(200)
                    .body(containsString("Edited during the outage"));
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertTrue(seconds < 30, "calls with Infinispan down must stay bounded, took " + seconds + " s");

            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            infinispan.start();
        }

        // back: caches are filled and hit again, readiness recovers
        String after = unique("after");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            given().get("/q/health/ready").then().statusCode(200);
            double hits = cacheHits("content-articles");
            given().get("/api/v1/articles/{slug}", before).then().statusCode(200);
            given().get("/api/v1/articles/{slug}", before).then().statusCode(200);
            assertTrue(cacheHits("content-articles") > hits, "reads are cache hits again");
        });
        createPublished(after, section, "After the outage");
        given().queryParam("section", section).queryParam("limit", 5).get("/fragments/teasers").then().statusCode(200)
                .body(containsString("After the outage"));
    }
}
