package io.manchete.comments.api;

import io.manchete.comments.cache.CommentsCache;
import io.manchete.launcher.Ports;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** With PostgreSQL out of reach, cached reads still answer and everything else is a clean 503. */
@QuarkusTest
@TestProfile(DatabaseDownTest.NoDatabase.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "database", value = "comments"))
class DatabaseDownTest {
    public static class NoDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + Ports.freePort() + "/comments",
                    "quarkus.flyway.migrate-at-start", "false");
        }
    }

    @Inject
    RemoteCacheManager infinispan;

    @Test
    void cachedFragmentAndCountAreStillServed() {
        String slug = freshSlug("db-down");
        infinispan.<String, String>getCache(CommentsCache.FRAGMENTS).put(slug, "<h2>3 comments</h2><ol class=\"comment-list\"></ol>");
        infinispan.<String, String>getCache(CommentsCache.COUNTS).put(slug, "3");

        given().queryParam("section", "world").get("/fragments/comments/{slug}", slug).then().statusCode(200)
                .body(containsString("<h2>3 comments</h2>"))
                .body(containsString("action=\"/world/" + slug + "/comments\""));
        given().get("/api/v1/articles/{slug}/comments/count", slug).then().statusCode(200).body("count", is(3));
    }

    @Test
    void writesAndUncachedReadsAnswer503() {
        String slug = freshSlug("db-down-write");
        post(slug, "Ana", "lost?").then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("5"))
                .body("status", is(503))
                .body(not(containsString("Exception")));
        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(503).contentType("application/problem+json");
        given().queryParam("section", "world").get("/fragments/comments/{slug}", slug).then().statusCode(503)
                .header("Retry-After", equalTo("5"));
        given().get("/q/health/ready").then().statusCode(503);
    }
}
