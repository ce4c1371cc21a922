package io.manchete.pages.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "pages"))
class LayoutApiTest {
    static final List<String> SECTIONS = List.of("world", "politics", "business", "technology", "sports", "culture");
    static final List<String> NAMES = List.of("World", "Politics", "Business", "Technology", "Sports", "Culture");
    private static final Pattern MARKER = Pattern.compile("<!--manchete:slot:([a-z0-9-]+)-->");

    static Response layout(String path) {
        return given().get("/api/v1/layouts/" + path).then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", equalTo("public, max-age=300, stale-while-revalidate=300, stale-if-error=86400"))
                .header("ETag", matchesPattern("\"[0-9a-f]{20}\""))
                .extract().response();
    }

    /** The slot markers of a template, in order. */
    static List<String> markers(String template) {
        Matcher m = MARKER.matcher(template);
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static Map<String, String> assetPaths() {
        List<Map<String, String>> assets = given().get("/api/v1/assets").then().statusCode(200).extract().jsonPath().getList("$");
        return assets.stream().collect(java.util.stream.Collectors.toMap(a -> a.get("name"), a -> a.get("path")));
    }

    static void assertShell(String template, Map<String, String> assets) {
        assertTrue(template.startsWith("<!doctype html>"), template.substring(0, Math.min(80, template.length())));
        assertTrue(template.contains("<meta charset=\"utf-8\">"));
        assertTrue(template.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        assertTrue(template.contains("<title><!--manchete:title--></title>"));
        assertTrue(template.contains("<link rel=\"stylesheet\" href=\"" + assets.get("site.css") + "\">"), "stylesheet link");
        assertTrue(template.contains("<script src=\"" + assets.get("site.js") + "\" defer></script>"), "script");
        assertTrue(template.contains("<a class=\"site-logo\" href=\"/\"><img src=\"" + assets.get("logo.svg") + "\" alt=\"Manchete\""), "logo");
        assertTrue(assets.get("site.css").matches("/assets/site\\.[0-9a-f]{10}\\.css"));
        for (int i = 0; i < SECTIONS.size(); i++) {
            assertTrue(template.contains("href=\"/" + SECTIONS.get(i) + "\""), "nav link " + SECTIONS.get(i));
            assertTrue(template.contains(">" + NAMES.get(i) + "</a>"), "nav name " + NAMES.get(i));
        }
        assertTrue(template.contains("<main id=\"main\""));
        assertTrue(template.contains("<footer"));
        assertTrue(template.trim().endsWith("</html>"));
    }

    @Test
    void homeLayout() {
        Response response = layout("home");
        JsonPath json = response.jsonPath();
        assertEquals("home", json.getString("route"));
        assertNull(json.get("section"));
        assertEquals("Manchete", json.getString("title"));
        assertEquals(300, json.getInt("maxAge"));
        assertEquals(List.of("shell", "front:home"), json.getList("tags"));
        assertEquals("shell front:home", response.header("Surrogate-Key"));

        List<String> slotNames = json.getList("slots.name");
        List<String> latest = slotNames.stream().filter(n -> n.startsWith("latest-")).toList();
        assertEquals(SECTIONS.stream().map(s -> "latest-" + s).toList(), latest);
        for (int i = 0; i < SECTIONS.size(); i++) {
            Map<String, Object> slot = json.getMap("slots.find { it.name == 'latest-" + SECTIONS.get(i) + "' }");
            assertEquals("content", slot.get("service"));
            assertEquals("/fragments/teasers?section=" + SECTIONS.get(i) + "&limit=5&heading=" + NAMES.get(i), slot.get("path"));
            assertEquals(false, slot.get("primary"));
        }
        assertFalse(json.getList("slots.primary", Boolean.class).contains(true), "home has no primary slot");

        String template = json.getString("template");
        assertShell(template, assetPaths());
        assertEquals(slotNames, markers(template), "one marker per slot, in slot order");
        assertFalse(template.contains("aria-current"), "no section is current on the home page");
    }

    @Test
    void sectionLayout() {
        Response response = layout("section/technology");
        JsonPath json = response.jsonPath();
        assertEquals("section", json.getString("route"));
        assertEquals("technology", json.getString("section"));
        assertEquals("Technology · Manchete", json.getString("title"));
        assertEquals(List.of(Map.of("name", "main", "service", "content",
                "path", "/fragments/teasers?section=technology&limit=30&heading=Technology", "primary", true)), json.getList("slots"));
        assertEquals(List.of("shell"), json.getList("tags"));
        assertEquals("shell", response.header("Surrogate-Key"));

        String template = json.getString("template");
        assertShell(template, assetPaths());
        assertEquals(List.of("main"), markers(template));
        assertTrue(template.contains("<a href=\"/technology\" class=\"active\" aria-current=\"page\">Technology</a>"), "active nav");
        assertEquals(1, template.split("aria-current", -1).length - 1, "exactly one current section");
    }

    @Test
    void articleLayout() {
        Response response = layout("article/culture");
        JsonPath json = response.jsonPath();
        assertEquals("article", json.getString("route"));
        assertEquals("culture", json.getString("section"));
        assertEquals("Culture · Manchete", json.getString("title"));
        assertEquals(List.of(
                Map.of("name", "main", "service", "content", "path", "/fragments/article/{slug}", "primary", true),
                Map.of("name", "comments", "service", "comments", "path", "/fragments/comments/{slug}?section={section}", "primary", false)),
                json.getList("slots"));
        assertEquals(List.of("shell"), json.getList("tags"));

        String template = json.getString("template");
        assertShell(template, assetPaths());
        assertEquals(List.of("main", "comments"), markers(template));
        assertTrue(template.contains("<a href=\"/culture\" class=\"active\" aria-current=\"true\">Culture</a>"), "active nav");
        assertEquals(1, template.split("aria-current", -1).length - 1);
    }

    @Test
    void unknownSectionIs404Problem() {
        for (String path : List.of("section/nowhere", "article/nowhere", "section/World", "article/a..b")) {
            given().get("/api/v1/layouts/" + path).then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("status", equalTo(404))
                    .body("title", equalTo("Not Found"))
                    .body("detail", containsString("unknown section"));
        }
        given().get("/api/v1/layouts/gallery").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void anUnchangedLayoutAnswers304ToItsEtag() {
        String etag = layout("section/sports").header("ETag");
        given().header("If-None-Match", etag).get("/api/v1/layouts/section/sports").then()
                .statusCode(304).header("ETag", etag);
        given().header("If-None-Match", "\"00000000000000000000\"").get("/api/v1/layouts/section/sports").then()
                .statusCode(200);
    }

    @Test
    void navigationListsTheSixSectionsInOrder() {
        given().get("/api/v1/navigation").then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Surrogate-Key", "shell")
                .body("slug", contains(SECTIONS.toArray()))
                .body("name", contains(NAMES.toArray()));
    }

    @Test
    void theSecondReadOfALayoutIsACacheHit() {
        // a front write evicts the home layout, so the next read must miss and the one after must hit
        given().header("Authorization", "Bearer dev-editor-token").contentType("application/json")
                .body("{\"slots\": {\"top\": [\"cache-probe\"]}}")
                .put("/api/v1/fronts/home").then().statusCode(200);

        double hits = Metrics.layoutCache("hit");
        double misses = Metrics.layoutCache("miss");
        layout("home");
        assertEquals(misses + 1, Metrics.layoutCache("miss"), "first read after the eviction misses");
        assertEquals(hits, Metrics.layoutCache("hit"));

        double queries = Metrics.dbQueries();
        Response second = layout("home");
        assertEquals(hits + 1, Metrics.layoutCache("hit"), "second read is a hit");
        assertEquals(misses + 1, Metrics.layoutCache("miss"));
        assertEquals(queries, Metrics.dbQueries(), "a cache hit costs no database round trip");
        assertTrue(second.jsonPath().getString("template").contains("<!--manchete:slot:top-->"));
    }

    @Test
    void serviceBasics() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(org.hamcrest.Matchers.containsStringIgnoringCase("infinispan"),
                        org.hamcrest.Matchers.containsStringIgnoringCase("postgres")))
                // a real round trip to the four caches, like content-service and comments-service
                .body("checks.find { it.name == 'page-service Infinispan caches' }.status", equalTo("UP"));
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/layouts/home"))
                .body("paths", org.hamcrest.Matchers.hasKey("/assets/{hashedName}"));
        given().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }
}
