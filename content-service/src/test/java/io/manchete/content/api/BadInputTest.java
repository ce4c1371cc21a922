package io.manchete.content.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.manchete.content.Fixtures.EDITOR;
import static io.manchete.content.Fixtures.article;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
class BadInputTest {

    @Test
    void aBodyOver200KbIs413() {
        String slug = unique("huge");
        Map<String, Object> body = article(slug, "world", "Huge");
        body.put("body", "x".repeat(210 * 1024));
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(body)
                .post("/api/v1/articles").then().statusCode(413)
                .contentType("application/problem+json")
                .body("status", is(413));
        given().header("Authorization", EDITOR).get("/api/v1/articles/{slug}", slug).then().statusCode(404);

        // just under the limit is fine
        body.put("body", "x".repeat(190 * 1024));
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(body)
                .post("/api/v1/articles").then().statusCode(201);
    }

    @Test
    void anOversizeUpdateIs413Too() {
        String slug = unique("huge-update");
        createPublished(slug, "world", "Huge update");
        Map<String, Object> body = article(slug, "world", "Huge update");
        body.put("body", "y".repeat(201 * 1024));
        body.put("version", 1);
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(body)
                .put("/api/v1/articles/{slug}", slug).then().statusCode(413)
                .contentType("application/problem+json");
    }

    @Test
    void malformedJsonNamesTheField() {
        Map<String, Object> body = article(unique("typed"), "world", "Typed");
        body.put("title", Map.of("nested", "object"));
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(body)
                .post("/api/v1/articles").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("title"))
                .body("detail", containsString("title"));

        String slug = unique("typed-update");
        createPublished(slug, "world", "Typed update");
        given().header("Authorization", EDITOR).contentType(ContentType.JSON)
                .body("{\"section\":\"world\",\"title\":\"T\",\"summary\":\"S\",\"body\":\"B\",\"author\":\"A\",\"version\":\"one\"}")
                .put("/api/v1/articles/{slug}", slug).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("version"));
    }

    @Test
    void unparseableJsonIs400ProblemJson() {
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body("{\"slug\": \"x\", ")
                .post("/api/v1/articles").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", is(400))
                .body(not(containsString("at io.")), not(containsString("Exception")));
    }

    @Test
    void invalidFieldsAreListed() {
        Map<String, Object> body = article("Not A Slug", "World News", "");
        body.remove("author");
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(body)
                .post("/api/v1/articles").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("slug"))
                .body("errors.field", hasItem("section"))
                .body("errors.field", hasItem("title"))
                .body("errors.field", hasItem("author"));

        Map<String, Object> longSlug = article("a".repeat(161), "world", "Long");
        given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(longSlug)
                .post("/api/v1/articles").then().statusCode(400).body("errors.field", hasItem("slug"));
    }

    @Test
    void aMissingBodyIs400() {
        given().header("Authorization", EDITOR).contentType(ContentType.JSON)
                .post("/api/v1/articles").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void unexpectedErrorsAreProblemJsonWithoutAStackTrace() {
        given().get("/test-only/boom").then().statusCode(500)
                .contentType("application/problem+json")
                .body("status", is(500))
                .body("title", is("Internal Server Error"))
                .body(not(containsString("secret-internal-detail")), not(containsString("at io.")),
                        not(containsString("IllegalStateException")));
    }
}
