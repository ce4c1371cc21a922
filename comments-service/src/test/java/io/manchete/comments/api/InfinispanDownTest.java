package io.manchete.comments.api;

import io.manchete.launcher.Ports;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.manchete.comments.api.Api.count;
import static io.manchete.comments.api.Api.fragment;
import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.postOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no Infinispan to talk to, the service answers from PostgreSQL and says it is not ready. */
@QuarkusTest
@TestProfile(InfinispanDownTest.NoInfinispan.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "database", value = "comments"), @ResourceArg(name = "infinispan", value = "false")})
class InfinispanDownTest {
    public static class NoInfinispan implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.infinispan-client.hosts", "127.0.0.1:" + Ports.freePort());
        }
    }

    @Test
    void readsAndWritesGoToTheDatabase() {
        String slug = freshSlug("no-cache");
        postOk(slug, "Ana", "still works");
        assertEquals(1, count(slug));
        String html = fragment(slug, "world");
        assertTrue(html.contains("still works"), html);
        postOk(slug, "Bo", "and again");
        assertTrue(fragment(slug, "world").contains("<h2>2 comments</h2>"));
        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200).body("items", hasSize(2));
    }

    @Test
    void readinessReportsInfinispanDown() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
    }
}
