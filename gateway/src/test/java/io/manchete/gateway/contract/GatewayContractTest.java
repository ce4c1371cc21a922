package io.manchete.gateway.contract;

import au.com.dius.pact.consumer.BaseMockServer;
import au.com.dius.pact.consumer.MockHttpServerKt;
import au.com.dius.pact.consumer.PactVerificationResult;
import au.com.dius.pact.consumer.model.MockProviderConfig;
import au.com.dius.pact.consumer.model.MockServerImplementation;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.RequestResponsePact;
import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.gateway.client.UpstreamGuards;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.manchete.gateway.contract.GatewayPacts.ARTICLE;
import static io.manchete.gateway.contract.GatewayPacts.ARTICLE_TITLE;
import static io.manchete.gateway.contract.GatewayPacts.MISSING_ARTICLE;
import static io.manchete.gateway.contract.GatewayPacts.PROBLEM_DETAIL;
import static io.manchete.gateway.contract.GatewayPacts.SCRIPT;
import static io.manchete.gateway.contract.GatewayPacts.SCRIPT_ETAG;
import static io.manchete.gateway.contract.GatewayPacts.SECTION;
import static io.manchete.gateway.contract.GatewayPacts.STALE_ASSET;
import static io.manchete.gateway.contract.GatewayPacts.STYLESHEET;
import static io.manchete.gateway.contract.GatewayPacts.UNKNOWN_SECTION;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The consumer side of the contracts: the real gateway (routes, page assembler, fragment client,
 * asset proxy, comment form) runs against Pact mock servers built from {@link GatewayPacts}, one per
 * service, all three at once. A request the gateway makes that no interaction describes is answered
 * 500 by the mock and recorded as a mismatch; the last test fails on any mismatch and on any interaction
 * no scenario used, so the pacts say exactly what the gateway does. It then writes them to
 * {@code target/pacts} and compares them with the copies each service verifies ({@link PublishedPacts}).
 *
 * <p>Each scenario starts with empty gateway caches, so it makes its own upstream requests.
 */
@QuarkusTest
@WithTestResource(MockServicePorts.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayContractTest {
    private static final Map<String, RequestResponsePact> PACTS = new LinkedHashMap<>();
    private static final Map<String, BaseMockServer> SERVERS = new LinkedHashMap<>();

    @BeforeAll
    static void startMockServers() {
        PACTS.put("page", GatewayPacts.pageService());
        PACTS.put("content", GatewayPacts.contentService());
        PACTS.put("comments", GatewayPacts.commentsService());
        for (Map.Entry<String, RequestResponsePact> pact : PACTS.entrySet()) {
            URI url = URI.create(ConfigProvider.getConfig()
                    .getValue("manchete.services." + pact.getKey() + ".url", String.class));
            BaseMockServer server = MockHttpServerKt.mockServer(pact.getValue(), MockProviderConfig.Companion
                    .httpConfig(url.getHost(), url.getPort(), PactSpecVersion.V3, MockServerImplementation.JavaHttpServer));
            server.start();
            server.waitForServer();
            SERVERS.put(pact.getKey(), server);
        }
    }

    @AfterAll
    static void stopMockServers() {
        SERVERS.values().forEach(BaseMockServer::stop);
        SERVERS.clear();
    }

    @BeforeEach
    void emptyCaches() {
        Arc.container().instance(GatewayCaches.class).get().clear().join();
        Arc.container().instance(UpstreamGuards.class).get().reset();
    }

    @Test
    @Order(1)
    void homePage() {
        String html = given().get("/").then()
                .statusCode(200)
                .header("Cache-Control", containsString("max-age="))
                .header("Surrogate-Key", containsString("shell"))
                .header("Surrogate-Key", containsString("article:first-story"))
                .extract().asString();
        assertTrue(html.contains("<main id=\"main\"><ul class=\"teasers\">"), html);
    }

    @Test
    @Order(2)
    void sectionPage() {
        String html = given().get("/" + SECTION).then()
                .statusCode(200)
                .header("Surrogate-Key", containsString("section:" + SECTION))
                .extract().asString();
        assertTrue(html.contains("<title>World · Manchete</title>"), html);
        assertTrue(html.contains("href=\"/world/some-article\""), html);
    }

    @Test
    @Order(3)
    void articlePage() {
        String html = given().get("/" + SECTION + "/" + ARTICLE).then()
                .statusCode(200)
                .header("Surrogate-Key", containsString("article:" + ARTICLE))
                .header("Surrogate-Key", containsString("comments:" + ARTICLE))
                .extract().asString();
        assertTrue(html.contains("<title>" + ARTICLE_TITLE + " · Manchete</title>"), html);
        assertTrue(html.contains("<p>First paragraph.</p>"), html);
        assertTrue(html.contains("action=\"/world/" + ARTICLE + "/comments\""), html);
    }

    @Test
    @Order(4)
    void unknownArticleIsTheNotFoundPage() {
        given().get("/" + SECTION + "/" + MISSING_ARTICLE).then().statusCode(404);
    }

    @Test
    @Order(5)
    void unknownSectionIsTheNotFoundPage() {
        given().get("/" + UNKNOWN_SECTION + "/" + ARTICLE).then().statusCode(404);
    }

    @Test
    @Order(6)
    void assetIsPassedOnWithItsHeaders() {
        given().get("/assets/" + STYLESHEET).then()
                .statusCode(200)
                .header("Content-Type", containsString("text/css"))
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .header("ETag", "\"css-1\"");
    }

    @Test
    @Order(7)
    void assetTheBrowserHasIsNotModified() {
        given().header("If-None-Match", SCRIPT_ETAG).get("/assets/" + SCRIPT).then()
                .statusCode(304)
                .header("ETag", SCRIPT_ETAG);
    }

    @Test
    @Order(8)
    void staleAssetNameIsTheNotFoundPage() {
        given().get("/assets/" + STALE_ASSET).then().statusCode(404);
    }

    @Test
    @Order(9)
    void commentIsForwardedAndAnsweredWithARedirect() {
        postComment("Ana", "Well said.")
                .statusCode(303)
                .header("Location", "/" + SECTION + "/" + ARTICLE + "#comments");
    }

    @Test
    @Order(10)
    void emptyCommentShowsTheServicesReason() {
        postComment("Ana", "")
                .statusCode(400)
                .body(containsString(PROBLEM_DETAIL));
    }

    /**
     * Every interaction was used, no request went undescribed; then the pacts are written to
     * {@code target/pacts} and must equal the copies the services verify.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void pactsAreExactlyWhatTheGatewayDidAndArePublished() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, BaseMockServer> server : SERVERS.entrySet()) {
            PactVerificationResult result = server.getValue().validateMockServerState(null);
            if (!(result instanceof PactVerificationResult.Ok)) {
                problems.add(server.getKey() + "-service: " + result.getDescription() + " " + result);
            }
        }
        if (!problems.isEmpty()) {
            fail("the gateway did not do what its pacts say:\n" + String.join("\n", problems));
        }
        PACTS.values().forEach(PublishedPacts::check);
    }

    private static ValidatableResponse postComment(String author, String body) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("author", author).formParam("body", body)
                .post("/" + SECTION + "/" + ARTICLE + "/comments").then();
    }
}
