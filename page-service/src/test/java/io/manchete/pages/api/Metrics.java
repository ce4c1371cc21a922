package io.manchete.pages.api;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** Reads one sample from {@code /q/metrics} (Prometheus text format); a sample never seen is 0. */
final class Metrics {
    private Metrics() {
    }

    static double value(String name, Map<String, String> labels) {
        String body = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(body);
        double total = 0;
        while (m.find()) {
            String found = m.group(1);
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> found.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    static double layoutCache(String result) {
        return value("manchete_cache_requests_total", Map.of("cache", "pages-layouts", "result", result));
    }

    static double dbQueries() {
        return value("manchete_db_queries_total", Map.of("service", "pages"));
    }
}
