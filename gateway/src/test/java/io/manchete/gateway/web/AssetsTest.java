package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static io.manchete.gateway.web.PagesTest.assertErrorPage;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class AssetsTest {

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void assetIsProxiedWithItsImmutableCacheHeaders() {
        given().get("/assets/" + StubUpstreams.ASSET).then()
                .statusCode(200)
                .header("Content-Type", "text/css")
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .header("ETag", StubUpstreams.ASSET_ETAG)
                .header("Last-Modified", "Wed, 01 Jan 2025 00:00:00 GMT")
                .body(equalTo("body{color:#222}"));
    }

    @Test
    void conditionalRequestIsPassedOnAndAnswered304() {
        given().header("If-None-Match", StubUpstreams.ASSET_ETAG).get("/assets/" + StubUpstreams.ASSET).then()
                .statusCode(304)
                .header("ETag", StubUpstreams.ASSET_ETAG)
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .body(emptyString());
        assertEquals(StubUpstreams.ASSET_ETAG, Stubs.requests("page", "GET", "/assets/").get(0)
                .getJsonObject("headers").getString("if-none-match"));
    }

    @Test
    void unknownAssetIsTheNotFoundPage() {
        assertErrorPage(given().get("/assets/nope.css").then().statusCode(404).extract().asString(), 404);
        given().get("/assets/..%2Fsecret").then().statusCode(404);
        assertEquals(1, Stubs.requests("page", "GET", "/assets/").size());
    }

    @Test
    void pageServiceDownIsA503() {
        Stubs.on("page", "/assets/" + StubUpstreams.ASSET).down().install();
        assertErrorPage(given().get("/assets/" + StubUpstreams.ASSET).then().statusCode(503)
                .header("Retry-After", "5").extract().asString(), 503);
    }
}
