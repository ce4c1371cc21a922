package io.manchete.pages.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "pages"))
class FrontApiTest {

    static RequestSpecification editor() {
        return given().header("Authorization", "Bearer dev-editor-token").contentType("application/json");
    }

    static JsonPath homeLayout() {
        return given().get("/api/v1/layouts/home").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void putThenGetAFront() {
        editor().body("{\"name\": \"weekend\", \"slots\": {\"lead\": [\"b-story\", \"a-story\"], \"extra\": []}}")
                .put("/api/v1/fronts/weekend").then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .body("name", equalTo("weekend"))
                .body("slots.lead", equalTo(List.of("b-story", "a-story")));
        given().get("/api/v1/fronts/weekend").then()
                .statusCode(200)
                .body("name", equalTo("weekend"))
                .body("slots.lead", equalTo(List.of("b-story", "a-story")));

        editor().body("{\"slots\": {\"lead\": [\"c-story\"]}}").put("/api/v1/fronts/weekend").then().statusCode(200);
        given().get("/api/v1/fronts/weekend").then()
                .statusCode(200)
                .body("slots", equalTo(Map.of("lead", List.of("c-story"))));

        given().get("/api/v1/fronts/never-written").then().statusCode(200)
                .body("name", equalTo("never-written"))
                .body("slots", equalTo(Map.of()));
    }

    @Test
    void theHomeLayoutFollowsTheHomeFrontAtOnce() {
        homeLayout(); // make sure a cached copy exists before the write
        editor().body("{\"slots\": {\"top\": [\"one\", \"two-2\", \"three\"], \"more\": [\"four\"]}}")
                .put("/api/v1/fronts/home").then().statusCode(200);

        JsonPath layout = homeLayout();
        assertEquals(Map.of("name", "top", "service", "content",
                "path", "/fragments/teasers?slugs=one,two-2,three&heading=Top%20stories", "primary", false), layout.getMap("slots[0]"));
        assertEquals(Map.of("name", "more", "service", "content",
                "path", "/fragments/teasers?slugs=four&heading=More%20news", "primary", false), layout.getMap("slots[1]"));
        List<String> names = layout.getList("slots.name");
        assertEquals(names, LayoutApiTest.markers(layout.getString("template")));

        editor().body("{\"slots\": {\"top\": [\"five\"]}}").put("/api/v1/fronts/home").then().statusCode(200);
        layout = homeLayout();
        assertEquals("/fragments/teasers?slugs=five&heading=Top%20stories", layout.getString("slots[0].path"));
        assertFalse(layout.getList("slots.name").contains("more"), "an emptied front slot leaves the layout");
        assertFalse(layout.getString("template").contains("<!--manchete:slot:more-->"));

        editor().body("{\"slots\": {}}").put("/api/v1/fronts/home").then().statusCode(200);
        layout = homeLayout();
        assertEquals("latest-world", layout.getString("slots[0].name"), "an empty front leaves only the section slots");
    }

    @Test
    void writesNeedTheEditorToken() {
        given().contentType("application/json").body("{\"slots\": {}}").put("/api/v1/fronts/home").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401));
        given().contentType("application/json").header("Authorization", "Bearer nope").body("{\"slots\": {}}")
                .put("/api/v1/fronts/home").then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403));
        given().contentType("application/json").header("Authorization", "Basic ZWRpdG9yOnRva2Vu").body("{\"slots\": {}}")
                .put("/api/v1/fronts/home").then()
                .statusCode(401);
        // the token is checked before the body is read
        given().contentType("application/json").body("{not json").put("/api/v1/fronts/home").then().statusCode(401);
        // reads are public
        given().get("/api/v1/fronts/home").then().statusCode(200);
    }

    @Test
    void badInputIs400NamingTheField() {
        editor().body("{\"slots\": {\"top\": \"just-one\"}}").put("/api/v1/fronts/home").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors[0].field", equalTo("slots.top"))
                .body("detail", not(containsString("at com.")));
        editor().body("{\"slots\": {\"top\": [\"fine\", \"Not A Slug\"]}}").put("/api/v1/fronts/home").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("slots.top[1]"));
        editor().body("{\"slots\": ").put("/api/v1/fronts/home").then()
                .statusCode(400)
                .contentType("application/problem+json");
        editor().body("{\"slots\": {}}").put("/api/v1/fronts/Bad_Name").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("name"));
    }
}
