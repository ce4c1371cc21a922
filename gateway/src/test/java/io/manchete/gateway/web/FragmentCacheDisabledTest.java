package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code manchete.fragment-cache.enabled=false} (with the page cache off too, as the benchmark's
 * fan-out scenario runs): every page fetches its fragments from the services; the layout stays cached.
 */
@QuarkusTest
@TestProfile(FragmentCacheDisabledTest.Disabled.class)
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class FragmentCacheDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("manchete.page-cache.enabled", "false", "manchete.fragment-cache.enabled", "false");
        }
    }

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void everyAssemblyFetchesTheFragmentsButNotTheLayout() {
        String slug = Gateway.newStory();
        for (int i = 0; i < 3; i++) {
            given().get("/world/" + slug).then().statusCode(200)
                    .header("Server-Timing", containsString("frag-main"))
                    .body(containsString("<p>Body of " + slug + "</p>"));
        }
        assertEquals(3, Stubs.requests("content", "GET", "/fragments/article/" + slug).size());
        assertEquals(3, Stubs.requests("comments", "GET", "/fragments/comments/" + slug).size());
        assertEquals(1, Stubs.requests("page", "GET", "/api/v1/layouts/article").size(), "the layout stays cached");
    }
}
