package io.manchete.content.api;

import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.Ports;
import io.manchete.launcher.ProjectLayout;
import io.manchete.launcher.testing.RealInfrastructure;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.manchete.content.Fixtures.EDITOR;
import static io.manchete.content.Fixtures.cacheHits;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no Infinispan at the configured address from boot on, content-service starts, answers reads
 * from PostgreSQL and takes writes, without asking Infinispan on every request (after the first
 * failed call the caches are skipped until a background probe gets through). Readiness reports the
 * caches DOWN and the database UP. When an Infinispan Server then starts at that address, the caches
 * are used without a restart (the last test). See {@code cache.InfinispanRestartTest} for a server
 * that goes away while the service runs.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(InfinispanDownTest.NoInfinispan.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "database", value = "content"), @ResourceArg(name = "infinispan", value = "false")})
class InfinispanDownTest {
    private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    private static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");

    /** Where the service looks for Infinispan: a closed loopback port until the last test. */
    static final int PORT = Ports.freePort();

    public static class NoInfinispan implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.infinispan-client.hosts", "127.0.0.1:" + PORT);
        }
    }

    @Inject
    InMemorySpanExporter exporter;

    @Test
    @Order(1)
    void writesAndReadsGoToTheDatabase() {
        String section = unique("nocache");
        String slug = unique("nocache");
        int version = createPublished(slug, section, "Written without a cache");
        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is("Written without a cache"));
        given().get("/fragments/article/{slug}", slug).then().statusCode(200)
                .body(containsString("<h1>Written without a cache</h1>"));

        given().header("Authorization", EDITOR).header("If-Match", "\"" + version + "\"").contentType(ContentType.JSON)
                .body(Map.of("section", section, "title", "Edited without a cache", "summary", "S", "body", "B", "author", "A"))
                .put("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is("Edited without a cache"));
        given().get("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is("Edited without a cache"));
        given().get("/fragments/article/{slug}", slug).then().statusCode(200)
                .body(containsString("<h1>Edited without a cache</h1>"));
        given().queryParam("section", section).queryParam("limit", 5).get("/fragments/teasers").then().statusCode(200)
                .body(containsString("Edited without a cache"));
        given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200).body("items[0].slug", is(slug));
    }

    @Test
    @Order(2)
    void readsDoNotAskInfinispanWhileItIsDown() {
        String section = unique("quick");
        String slug = unique("quick");
        createPublished(slug, section, "Read from the database");
        exporter.reset();

        long started = System.nanoTime();
        int requests = 0;
        for (int i = 0; i < 25; i++) {
            given().get("/api/v1/articles/{slug}", slug).then().statusCode(200).body("title", is("Read from the database"));
            given().get("/fragments/article/{slug}", slug).then().statusCode(200)
                    .body(containsString("<h1>Read from the database</h1>"));
            given().queryParam("section", section).queryParam("limit", 5).get("/fragments/teasers").then().statusCode(200)
                    .body(containsString("Read from the database"));
            given().queryParam("slugs", slug).get("/fragments/teasers").then().statusCode(200)
                    .body(containsString("Read from the database"));
            given().get("/api/v1/sections/{s}/articles", section).then().statusCode(200);
            requests += 5;
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        // each read makes 1-3 cache calls of up to 0.5 s: waiting on Infinispan would take a minute or more
        assertTrue(millis < 30_000, requests + " reads took " + millis + " ms with Infinispan down");

        int expected = requests;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(readTraces().size() >= expected,
                "every read's server span is exported"));
        Set<String> reads = readTraces();
        List<SpanData> spans = exporter.getFinishedSpanItems().stream().filter(s -> reads.contains(s.getTraceId())).toList();
        List<String> cacheCalls = spans.stream().filter(s -> "infinispan".equals(s.getAttributes().get(DB_SYSTEM)))
                .map(SpanData::getName).toList();
        assertEquals(List.of(), cacheCalls, "no read asks Infinispan while it is down");
        assertTrue(spans.stream().anyMatch(s -> s.getAttributes().get(DB_STATEMENT) != null), "the database answers the reads");
    }

    /** The traces of the GET requests exported so far (the spans of an earlier write may still come in). */
    private Set<String> readTraces() {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().startsWith("GET"))
                .map(SpanData::getTraceId).collect(Collectors.toSet());
    }

    @Test
    @Order(3)
    void readinessReportsTheCachesDownAndTheDatabaseUp() {
        long started = System.nanoTime();
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'content-service Infinispan caches' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status", equalTo("UP"));
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(millis < 3_000, "readiness answers within the cache timeout, took " + millis + " ms");
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    @Order(4)
    void noRemoteCacheManagerBeanStartsASecondHotRodClient() {
        // that bean's client proxy subclasses RemoteCacheManager, whose no-argument constructor starts a
        // default-configured client; ContentCache asks the extension's producer for its one client instead
        assertTrue(Arc.container().select(RemoteCacheManager.class, Any.Literal.INSTANCE).isUnsatisfied(),
                "a RemoteCacheManager bean (e.g. an Instance<RemoteCacheManager> injection point) is back");
    }

    @Test
    @Order(5)
    void whenInfinispanAppearsTheCachesAreUsedWithoutARestart() {
        String slug = unique("later");
        createPublished(slug, unique("later"), "Cached later");
        InfinispanServer server = new InfinispanServer(ProjectLayout.locate(), PORT,
                Path.of("target", "real-infra", "infinispan-late-" + PORT).toAbsolutePath());
        try {
            server.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                given().get("/q/health/ready").then().statusCode(200);
                double articleHits = cacheHits("content-articles");
                double fragmentHits = cacheHits("content-fragments");
                for (int i = 0; i < 2; i++) {
                    given().get("/api/v1/articles/{slug}", slug).then().statusCode(200);
                    given().get("/fragments/article/{slug}", slug).then().statusCode(200);
                }
                assertTrue(cacheHits("content-articles") > articleHits, "article reads are cache hits again");
                assertTrue(cacheHits("content-fragments") > fragmentHits, "fragment reads are cache hits again");
            });
        } finally {
            server.close();
        }
    }
}
