package io.manchete.pages.api;

import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.Ports;
import io.manchete.launcher.ProjectLayout;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no Infinispan to talk to (none at the configured address, from boot on), page-service starts,
 * answers every read from PostgreSQL and takes writes, quickly: after the first failed call it stops
 * asking Infinispan instead of waiting for a timeout on every call, and it says so in a log line, not
 * one per request. Readiness reports the caches DOWN; liveness stays UP. When an Infinispan Server
 * then starts at the configured address, the service takes its caches into use without a restart
 * (the last test).
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(InfinispanDownTest.NoInfinispan.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "database", value = "pages"), @ResourceArg(name = "infinispan", value = "false")})
class InfinispanDownTest {
    private static final String EDITOR = "Bearer dev-editor-token";

    /** Where the service looks for Infinispan: nobody listens there until the last test. */
    static final int PORT = Ports.freePort();

    public static class NoInfinispan implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.infinispan-client.hosts", "127.0.0.1:" + PORT);
        }
    }

    private final Warnings warnings = new Warnings();

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(warnings);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(warnings);
    }

    @Test
    @Order(1)
    void everyReadIsAnsweredFromTheDatabaseWithoutWaitingOnTheCache() {
        given().get("/api/v1/layouts/home").then().statusCode(200); // the first calls find Infinispan gone
        warnings.clear();

        long started = System.nanoTime();
        int requests = 0;
        for (int i = 0; i < 40; i++) {
            given().get("/api/v1/layouts/home").then().statusCode(200).body("template", containsString("<!doctype html>"));
            given().get("/api/v1/layouts/section/world").then().statusCode(200);
            given().get("/api/v1/layouts/article/sports").then().statusCode(200);
            given().get("/api/v1/navigation").then().statusCode(200).body("slug", hasItem("world"));
            given().get("/api/v1/fronts/home").then().statusCode(200).body("name", equalTo("home"));
            requests += 5;
        }
        List<Map<String, String>> assets = given().get("/api/v1/assets").then().statusCode(200).extract().jsonPath().getList("$");
        String css = assets.stream().filter(a -> a.get("name").equals("site.css")).findFirst().orElseThrow().get("path");
        given().get(css).then().statusCode(200).body(containsString("body"));
        requests += 2;
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        System.out.printf("[InfinispanDownTest] %d reads in %d ms with Infinispan down; %d warnings from the service, "
                + "%d errors from the Hot Rod client meanwhile%n", requests, took.toMillis(), warnings.service(), warnings.hotRod());

        // a cache timeout is 1 s: waiting for Infinispan on each call would take minutes here
        assertTrue(took.toMillis() < 20_000, requests + " reads took " + took.toMillis() + " ms with Infinispan down");
        // the service says it once (throttled), not per request; the Hot Rod client's errors come from the
        // background probe that watches for Infinispan's return, not from requests
        assertTrue(warnings.service() <= 2, "no warning per request: " + warnings.service() + " for " + requests
                + " requests, e.g. " + warnings.first());
        assertTrue(warnings.hotRod() <= requests / 5, "Hot Rod errors per request: " + warnings.hotRod() + " for " + requests);
    }

    @Test
    @Order(2)
    void writesGoToTheDatabaseAndReadsSeeThem() {
        String front = "{\"slots\": {\"top\": [\"no-cache-story\", \"second-story\"]}}";
        given().header("Authorization", EDITOR).contentType("application/json").body(front)
                .put("/api/v1/fronts/home").then().statusCode(200);
        given().get("/api/v1/fronts/home").then().statusCode(200).body("slots.top[0]", equalTo("no-cache-story"));
        Response home = given().get("/api/v1/layouts/home").then().statusCode(200).extract().response();
        assertTrue(home.asString().contains("no-cache-story"), "the home layout shows the new front");
    }

    @Test
    @Order(3)
    void readinessReportsTheCachesDownAndLivenessStaysUp() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'page-service Infinispan caches' }.status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
        long started = System.nanoTime();
        given().get("/q/health/ready").then().statusCode(503);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(millis < 3_000, "readiness answers within the cache timeout, took " + millis + " ms");
    }

    @Test
    @Order(4)
    void whenInfinispanAppearsTheCachesAreUsedWithoutARestart() {
        InfinispanServer server = new InfinispanServer(ProjectLayout.locate(), PORT,
                Path.of("target", "real-infra", "infinispan-late-" + PORT).toAbsolutePath());
        try {
            server.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                given().get("/q/health/ready").then().statusCode(200);
                double hits = Metrics.layoutCache("hit");
                given().get("/api/v1/layouts/home").then().statusCode(200);
                given().get("/api/v1/layouts/home").then().statusCode(200);
                assertTrue(Metrics.layoutCache("hit") > hits, "layout reads are cache hits again");
            });
        } finally {
            server.close();
        }
    }

    /** WARN and above from the service's own code (io.manchete) and from the Hot Rod client (org.infinispan). */
    static final class Warnings extends Handler {
        private final ConcurrentLinkedQueue<String> records = new ConcurrentLinkedQueue<>();

        @Override
        public void publish(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                    && (logger.startsWith("io.manchete") || logger.startsWith("org.infinispan"))) {
                records.add(logger + ": " + record.getMessage());
            }
        }

        long service() {
            return records.stream().filter(r -> r.startsWith("io.manchete")).count();
        }

        long hotRod() {
            return records.stream().filter(r -> r.startsWith("org.infinispan")).count();
        }

        String first() {
            return records.stream().filter(r -> r.startsWith("io.manchete")).findFirst().orElse("-");
        }

        void clear() {
            records.clear();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
