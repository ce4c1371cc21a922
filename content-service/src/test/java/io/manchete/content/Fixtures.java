package io.manchete.content;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** Helpers shared by the HTTP tests: unique names, article payloads, editor calls, metrics. */
public final class Fixtures {
    public static final String EDITOR = "Bearer dev-editor-token";

    private Fixtures() {
    }

    /** A name no other test uses (slugs and sections share one database per test run). */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    public static Map<String, Object> article(String slug, String section, String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("slug", slug);
        body.put("section", section);
        body.put("title", title);
        body.put("summary", "Summary of " + title);
        body.put("body", "First paragraph of " + title + ".\n\nSecond paragraph.");
        body.put("author", "Ana Reporter");
        return body;
    }

    public static Response create(Map<String, Object> article) {
        return given().header("Authorization", EDITOR).contentType(ContentType.JSON).body(article)
                .post("/api/v1/articles");
    }

    public static Response publish(String slug) {
        return given().header("Authorization", EDITOR).post("/api/v1/articles/{slug}/publish", slug);
    }

    /** Creates and publishes; answers the published article's version. */
    public static int createPublished(String slug, String section, String title) {
        create(article(slug, section, title)).then().statusCode(201);
        return publish(slug).then().statusCode(200).extract().path("version");
    }

    /**
     * The value of a Prometheus sample on {@code /q/metrics}, 0 when it is absent. The endpoint answers
     * OpenMetrics here, where a sample may end with an exemplar ({@code # {span_id=..,trace_id=..} 1.0 ts}).
     */
    public static double metric(String name, String... labels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)}\\s+(\\S+)(?:\\s+#.*)?$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        double total = 0; // summed over every series with these labels
        while (m.find()) {
            String tags = m.group(1);
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                all &= tags.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    public static double cacheHits(String cache) {
        return metric("manchete_cache_requests_total", "cache", cache, "result", "hit");
    }

    public static double dbQueries() {
        return metric("manchete_db_queries_total", "service", "content");
    }
}
