package io.manchete.comments.contract;

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
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * The provider side of the gateway's contract with comments-service: every interaction of the pact the
 * gateway published here ({@code src/test/resources/pacts/gateway-comments-service.json}, see
 * docs/contracts.md "Contract tests") is replayed against this service, running on real PostgreSQL
 * and Infinispan, and its answer checked against the pact's status, headers and body matchers. The
 * provider states post what the interaction needs through the service's own API, under fresh slugs
 * (and a fresh {@code Idempotency-Key}) that the pact's requests take from the state.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
@Provider("comments-service")
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

    @State("an article with comments")
    Map<String, Object> anArticleWithComments() {
        String slug = freshSlug();
        for (String body : new String[] {"First!", "Well argued."}) {
            given().contentType(ContentType.JSON).body(Map.of("author", "Ana", "body", body))
                    .post("/api/v1/articles/{slug}/comments", slug).then().statusCode(201);
        }
        return Map.of("slug", slug);
    }

    @State("an article without comments")
    Map<String, Object> anArticleWithoutComments() {
        return Map.of("slug", freshSlug());
    }

    @State("comments can be posted")
    Map<String, Object> commentsCanBePosted() {
        String key = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        return Map.of("slug", freshSlug(), "idempotencyKey", key);
    }

    private static String freshSlug() {
        return "contract-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
