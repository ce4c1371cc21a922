package io.manchete.comments.api;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** Small helpers shared by the API tests. */
final class Api {
    static final String MODERATOR = "dev-moderator-token";

    private Api() {
    }

    /** A slug no other test uses. */
    static String freshSlug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static Response post(String slug, String author, String body) {
        return given().contentType(ContentType.JSON).body(Map.of("author", author, "body", body))
                .post("/api/v1/articles/{slug}/comments", slug);
    }

    static long postOk(String slug, String author, String body) {
        Response r = post(slug, author, body);
        r.then().statusCode(201);
        return r.jsonPath().getLong("id");
    }

    static long count(String slug) {
        return given().get("/api/v1/articles/{slug}/comments/count", slug).then().statusCode(200)
                .extract().jsonPath().getLong("count");
    }

    static String fragment(String slug, String section) {
        return given().queryParam("section", section).get("/fragments/comments/{slug}", slug)
                .then().statusCode(200).extract().asString();
    }

    /** A counter's value from {@code /q/metrics} (0 when it was never incremented); an OpenMetrics exemplar after it is ignored. */
    static double metric(String name, String... labels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)(?: #.*)?$").matcher(text);
        double total = 0; // summed over every series with these labels
        while (m.find()) {
            String found = m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    static double fragmentHits() {
        return metric("manchete_cache_requests_total", "cache=\"comments-fragments\"", "result=\"hit\"");
    }

    static double fragmentMisses() {
        return metric("manchete_cache_requests_total", "cache=\"comments-fragments\"", "result=\"miss\"");
    }

    static double dbQueries() {
        return metric("manchete_db_queries_total", "service=\"comments\"");
    }

    /** Runs the calls all at once (released together) and answers their results in order. */
    static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
