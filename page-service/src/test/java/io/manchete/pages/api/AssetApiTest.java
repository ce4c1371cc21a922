package io.manchete.pages.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "pages"))
class AssetApiTest {
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    static Response fetch(String path, String contentType) {
        return given().get(path).then()
                .statusCode(200)
                .contentType(startsWith(contentType))
                .header("Cache-Control", IMMUTABLE)
                .header("ETag", matchesPattern("\"[0-9a-f]{64}\""))
                .extract().response();
    }

    @Test
    void theSeededAssetsAreListedAndServedImmutable() {
        given().get("/api/v1/assets").then()
                .statusCode(200)
                .body("name", hasItem("site.css"))
                .body("find { it.name == 'site.css' }.contentType", startsWith("text/css"))
                .body("find { it.name == 'logo.svg' }.path", matchesPattern("/assets/logo\\.[0-9a-f]{10}\\.svg"))
                .body("find { it.name == 'site.js' }.path", matchesPattern("/assets/site\\.[0-9a-f]{10}\\.js"));
        Map<String, String> paths = LayoutApiTest.assetPaths();

        String css = fetch(paths.get("site.css"), "text/css").asString();
        assertTrue(css.contains(".fragment-unavailable"), "the placeholder style is part of site.css");
        assertTrue(css.contains("@media"), "responsive");
        String js = fetch(paths.get("site.js"), "text/javascript").asString();
        assertTrue(js.contains("datetime"));
        String svg = fetch(paths.get("logo.svg"), "image/svg+xml").asString();
        assertTrue(svg.contains("<svg") && svg.contains(">Manchete</text>"));
    }

    @Test
    void unknownOrMalformedNamesAre404() {
        for (String path : List.of("/assets/site.0000000000.css", "/assets/nothing.0123456789.css", "/assets/site.css",
                "/assets/site.XYZ.css")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void aMatchingEtagIs304() {
        String path = LayoutApiTest.assetPaths().get("logo.svg");
        String etag = fetch(path, "image/svg+xml").header("ETag");
        given().header("If-None-Match", etag).get(path).then().statusCode(304).header("Cache-Control", IMMUTABLE);
    }

    @Test
    void replacingAnAssetChangesItsNameEverywhereAtOnce() {
        Map<String, String> before = LayoutApiTest.assetPaths();
        String oldPath = before.get("site.js");
        // cache the layouts that link it
        assertTrue(given().get("/api/v1/layouts/article/world").then().statusCode(200).extract().asString().contains(oldPath));
        assertTrue(given().get("/api/v1/layouts/home").then().statusCode(200).extract().asString().contains(oldPath));

        byte[] content = ("/* replaced " + System.nanoTime() + " */\n" + fetch(oldPath, "text/javascript").asString())
                .getBytes(StandardCharsets.UTF_8);
        String newPath = given().header("Authorization", "Bearer dev-editor-token")
                .contentType("text/javascript; charset=utf-8").body(content)
                .put("/api/v1/assets/site.js").then()
                .statusCode(200)
                .body("name", equalTo("site.js"))
                .extract().path("path");
        assertNotEquals(oldPath, newPath);
        assertTrue(newPath.matches("/assets/site\\.[0-9a-f]{10}\\.js"), newPath);

        assertArrayEquals(content, fetch(newPath, "text/javascript").asByteArray());
        given().get(oldPath).then().statusCode(404);
        assertEquals(newPath, LayoutApiTest.assetPaths().get("site.js"));
        for (String layout : List.of("article/world", "home")) {
            String json = given().get("/api/v1/layouts/" + layout).then().statusCode(200).extract().asString();
            assertTrue(json.contains("<script src=\\\"" + newPath + "\\\" defer>") || json.contains("<script src=\"" + newPath),
                    layout + " links the new script");
            assertFalse(json.contains(oldPath), layout + " no longer links the old one");
        }

        // the same content again is no change: same name
        given().header("Authorization", "Bearer dev-editor-token")
                .contentType("text/javascript; charset=utf-8").body(content)
                .put("/api/v1/assets/site.js").then().statusCode(200).body("path", equalTo(newPath));
    }

    @Test
    void aNewAssetIsCreated() {
        byte[] content = "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.UTF_8);
        String path = given().header("Authorization", "Bearer dev-editor-token")
                .contentType("text/plain").body(content)
                .put("/api/v1/assets/robots.txt").then()
                .statusCode(201)
                .header("Location", containsString("/assets/robots."))
                .extract().path("path");
        assertArrayEquals(content, fetch(path, "text/plain").asByteArray());
        given().get("/api/v1/assets").then().body("name", hasItem("robots.txt"));
    }

    @Test
    void uploadsAreCheckedBeforeTheyAreStored() {
        given().contentType("text/css").body("a{}").put("/api/v1/assets/site.css").then()
                .statusCode(401).header("WWW-Authenticate", startsWith("Bearer")).contentType("application/problem+json");
        given().header("Authorization", "Bearer wrong-token").contentType("text/css").body("a{}")
                .put("/api/v1/assets/site.css").then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", "Bearer dev-editor-token").contentType("text/css").body("a{}")
                .put("/api/v1/assets/Bad..name").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("name"));
        given().header("Authorization", "Bearer dev-editor-token").contentType("text/css").body(new byte[0])
                .put("/api/v1/assets/empty.css").then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", "Bearer dev-editor-token").contentType("text/css").body(new byte[1048577])
                .put("/api/v1/assets/huge.css").then().statusCode(413).contentType("application/problem+json");
        given().get("/api/v1/assets").then().body("name", org.hamcrest.Matchers.not(hasItem("huge.css")));
    }
}
