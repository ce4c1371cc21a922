package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** {@code POST /internal/v1/purge}: who may purge, what it accepts, what it answers. */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class PurgeApiTest {
    static final String GOOD = "{\"tags\":[\"article:a\",\"comments:a\"],\"source\":\"content-service\"}";

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void validPurgeIs204() {
        given().header("Authorization", "Bearer " + Gateway.PURGE_TOKEN).contentType(ContentType.JSON).body(GOOD)
                .post(PurgeApi.PATH).then().statusCode(204).body(emptyString());
        given().header("Authorization", "bearer " + Gateway.PURGE_TOKEN).body("{\"tags\":[]}")
                .post(PurgeApi.PATH).then().statusCode(204);
    }

    @Test
    void withoutBearerTokenIs401() {
        given().contentType(ContentType.JSON).body(GOOD).post(PurgeApi.PATH).then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401));
        given().header("Authorization", "Basic ZGV2OmRldg==").contentType(ContentType.JSON).body(GOOD)
                .post(PurgeApi.PATH).then().statusCode(401);
    }

    @Test
    void wrongTokenIs403() {
        given().header("Authorization", "Bearer not-the-token").contentType(ContentType.JSON).body(GOOD)
                .post(PurgeApi.PATH).then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", equalTo("Forbidden"));
    }

    @Test
    void badBodiesAre400() {
        for (String body : new String[] {"{", "", "[\"article:a\"]", "{\"tags\":\"article:a\"}", "{\"tags\":[1]}",
                "{\"tags\":[\"two words\"]}", "{\"tags\":[\"\"]}", "{\"tags\":[\"a\"],\"source\":3}", "{}"}) {
            given().header("Authorization", "Bearer " + Gateway.PURGE_TOKEN).contentType(ContentType.JSON).body(body)
                    .post(PurgeApi.PATH).then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("status", equalTo(400))
                    .body("detail", startsWith(""));
        }
    }

    @Test
    void otherMethodsAre405() {
        given().get(PurgeApi.PATH).then().statusCode(405).header("Allow", "POST")
                .body(containsString("Method Not Allowed"));
    }

    @Test
    void purgeCountsTags() {
        double before = Gateway.metric("manchete_purge_tags_total");
        Gateway.purge("article:x", "article:x", "shell");
        double after = Gateway.metric("manchete_purge_tags_total");
        org.junit.jupiter.api.Assertions.assertEquals(before + 2, after);
    }
}
