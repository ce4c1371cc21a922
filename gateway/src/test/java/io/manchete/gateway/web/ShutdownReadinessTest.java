package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.health.runtime.ShutdownReadinessCheck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/**
 * Graceful shutdown, first step: readiness goes DOWN (Quarkus' "Graceful Shutdown" check, there
 * because {@code quarkus.shutdown.delay-enabled=true}) while pages are still answered, so a load
 * balancer stops sending before the gateway stops accepting. Runs with the guards' test profile (its
 * gateway is not asked for readiness by any other test).
 */
@QuarkusTest
@TestProfile(ResilienceTest.SmallGuards.class)
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class ShutdownReadinessTest {

    @Test
    void readinessGoesDownFirstWhilePagesAreStillServed() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("Graceful Shutdown"));
        // what Quarkus does on SIGTERM before the shutdown delay
        Arc.container().select(ShutdownReadinessCheck.class, Readiness.Literal.INSTANCE).get().shutdown();
        given().get("/q/health/ready").then().statusCode(503).body(containsString("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/world/hello-world").then().statusCode(200);
    }
}
