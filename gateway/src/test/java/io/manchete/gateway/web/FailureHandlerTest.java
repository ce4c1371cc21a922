package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.junit.jupiter.api.Test;

import static io.manchete.gateway.web.PagesTest.assertErrorPage;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class FailureHandlerTest {

    /** A route that throws, to reach the gateway's failure handler (test code only). */
    @ApplicationScoped
    static class ExplodingRoute {
        void init(@Observes Router router) {
            router.get("/test-only/explode").order(-100).handler(ctx -> {
                throw new IllegalStateException("secret internals");
            });
        }
    }

    @Test
    void unexpectedFailureIsA500PageWithoutStackTrace() {
        String html = given().get("/test-only/explode").then()
                .statusCode(500)
                .header("Content-Type", "text/html;charset=UTF-8")
                .header("Cache-Control", "no-store")
                .extract().asString();
        assertErrorPage(html, 500);
        assertTrue(!html.contains("secret internals"), html);
        assertTrue(html.contains("Something went wrong"), html);
    }
}
