package io.manchete.pages.contract;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * The provider side of the gateway's contract with page-service: every interaction of the pact the
 * gateway published here ({@code src/test/resources/pacts/gateway-page-service.json}, see
 * docs/contracts.md "Contract tests") is replayed against this service, running on real PostgreSQL
 * and Infinispan, and its answer checked against the pact's status, headers and body matchers —
 * including that the article layout's slots point at the fragment endpoints the other two services
 * verify. Layouts need no state (migrations seed sections and layouts); the asset states look up the
 * current hashed names through the service's own API.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "pages"))
@Provider("page-service")
@PactFolder("pacts")
class GatewayPactTest {

    @TestHTTPResource("/")
    URL service;

    @BeforeEach
    void target(PactVerificationContext context) {
        context.setTarget(new HttpTestTarget(service.getHost(), service.getPort()));
    }

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void gatewayInteraction(PactVerificationContext context) {
        context.verifyInteraction();
    }

    @State("the stylesheet site.css exists")
    Map<String, Object> theStylesheetExists() {
        return Map.of("cssPath", assetPath("site.css"));
    }

    @State("the script site.js exists")
    Map<String, Object> theScriptExists() {
        String path = assetPath("site.js");
        String etag = given().get(path).then().statusCode(200).extract().header("ETag");
        return Map.of("jsPath", path, "jsEtag", etag);
    }

    /** The current hashed path of an asset, as {@code GET /api/v1/assets} lists it. */
    private static String assetPath(String name) {
        List<Map<String, String>> assets = given().get("/api/v1/assets").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return assets.stream().filter(asset -> name.equals(asset.get("name"))).map(asset -> asset.get("path"))
                .findFirst().orElseThrow(() -> new IllegalStateException("page-service lists no " + name));
    }
}
