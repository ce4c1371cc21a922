package io.manchete.content.contract;

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
import java.util.Map;

import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.unique;

/**
 * The provider side of the gateway's contract with content-service: every interaction of the pact the
 * gateway published here ({@code src/test/resources/pacts/gateway-content-service.json}, see
 * docs/contracts.md "Contract tests") is replayed against this service, running on real PostgreSQL
 * and Infinispan, and its answer checked against the pact's status, headers and body matchers. The
 * provider states create what the interaction needs through the service's own API, with fresh slugs
 * that the pact's requests take from the state ({@code ${slug}}, {@code ${slugs}}).
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
@Provider("content-service")
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

    @State("a published article")
    Map<String, Object> aPublishedArticle() {
        String slug = unique("contract-article");
        createPublished(slug, "world", "Storm reaches the coast");
        return Map.of("slug", slug);
    }

    @State("no article has the slug")
    Map<String, Object> noArticle() {
        return Map.of("slug", unique("contract-missing"));
    }

    @State("two published articles")
    Map<String, Object> twoPublishedArticles() {
        String first = unique("contract-first");
        String second = unique("contract-second");
        createPublished(first, "politics", "First story");
        createPublished(second, "business", "Second story");
        return Map.of("slugs", first + "," + second);
    }

    @State("a section with published articles")
    void aSectionWithPublishedArticles() {
        createPublished(unique("contract-world"), "world", "News from the world");
    }
}
