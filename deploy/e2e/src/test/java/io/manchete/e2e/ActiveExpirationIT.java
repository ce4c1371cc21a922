package io.manchete.e2e;

import io.manchete.launcher.DemoData;
import io.manchete.launcher.ServiceSpec;
import io.manchete.launcher.Suite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Active expiration over real processes: two gateway replicas share one Infinispan; a write at a
 * service makes both serve the new page within a second, and an expiration made while the gateway
 * was down is honoured when it comes back.
 */
class ActiveExpirationIT {
    /** The promise: every gateway replica serves the new page at most this long after the write. */
    static final Duration FRESH_WITHIN = Duration.ofSeconds(1);
    /**
     * With no gateway reachable the purge waits in the writer's outbox; the relay retries every
     * second, so a returning gateway serves the new page within about one retry period.
     */
    static final Duration FRESH_AFTER_RETURN = Duration.ofSeconds(3);

    static Suite suite;
    static ServiceSpec second;
    static List<DemoData.Article> articles;
    static final HttpClient HTTP = E2e.HTTP;

    @BeforeAll
    static void startSuite() {
        articles = new DemoData(DemoData.Size.small()).articles();
        suite = E2e.start(E2e.suite("e2e-expiration", E2e.prefix("e2x"), Map.of()));
        try {
            second = suite.addGateway();
        } catch (RuntimeException e) {
            E2e.stop(suite);
            throw e;
        }
    }

    @AfterAll
    static void stopSuite() {
        E2e.stop(suite);
    }

    @Test
    void anEditIsServedByBothGatewaysWithinASecond() throws Exception {
        DemoData.Article article = articles.get(11);
        String first = suite.gatewayUrl();
        String other = second.baseUrl();
        for (String gateway : List.of(first, other)) {
            awaitCached(gateway, article.path());
        }
        String marker = "Edited " + UUID.randomUUID();
        editTitle(article, marker);
        long written = System.nanoTime();
        for (String gateway : List.of(first, other)) {
            awaitPage(gateway, article.path(), body -> body.contains(marker), written, FRESH_WITHIN);
        }
    }

    @Test
    void aCommentPostedAtOneGatewayShowsAtTheOther() throws Exception {
        DemoData.Article article = articles.get(12);
        awaitCached(second.baseUrl(), article.path());
        String text = "Replica comment " + UUID.randomUUID();
        String form = "author=Reader&body=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
        // a cold suite may refuse the first post (503 + Retry-After, a breaker opened by cold-start
        // timeouts); the form post is idempotent within the minute, so it is sent again, as a reader would
        HttpResponse<String> posted = SuiteIT.whileUnavailable(() -> HTTP.send(HttpRequest.newBuilder(
                        URI.create(suite.gatewayUrl() + article.path() + "/comments"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(303, posted.statusCode(), posted.body());
        awaitPage(second.baseUrl(), article.path(), body -> body.contains(text), System.nanoTime(), FRESH_WITHIN);
    }

    @Test
    void anExpirationMadeWhileTheGatewayIsDownIsHonouredWhenItReturns() throws Exception {
        DemoData.Article article = articles.get(13);
        String gateway = suite.gatewayUrl();
        awaitCached(gateway, article.path());

        suite.stop("gateway");
        String marker = "While down " + UUID.randomUUID();
        editTitle(article, marker);
        // the page cache lives in Infinispan: without the purge the returning gateway would serve the old page
        suite.restart("gateway");
        long back = System.nanoTime();
        awaitPage(gateway, article.path(), body -> body.contains(marker), back, FRESH_AFTER_RETURN);
    }

    /**
     * Reads the page until the gateway answers it whole from its cache. A page built right after a
     * purge of one of its tags may be left unstored once, and on a cold suite a fragment may miss
     * its budget and leave a placeholder (such a page carries no tags of the missing fragment and
     * lives only briefly), so the page is rebuilt with {@code Cache-Control: no-cache} until whole.
     */
    static void awaitCached(String gateway, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> page = get(gateway, path);
            status = page.statusCode() + " " + page.headers().firstValue("Cache-Status").orElse("");
            boolean whole = !page.body().contains("fragment-unavailable");
            if (page.statusCode() == 200 && whole && status.contains("; hit")) {
                return;
            }
            if (!whole) {
                status += " (with a placeholder)";
                HTTP.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Cache-Control", "no-cache")
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
            }
            Thread.sleep(100);
        }
        fail(gateway + path + " never served whole from the cache (last: " + status + ")");
    }

    /** Changes the article's title through content-service's editor API (If-Match on its version). */
    static void editTitle(DemoData.Article article, String title) throws Exception {
        String api = suite.service("content").baseUrl() + "/api/v1/articles/" + article.slug();
        HttpResponse<String> current = HTTP.send(HttpRequest.newBuilder(URI.create(api)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, current.statusCode(), current.body());
        String etag = current.headers().firstValue("ETag").orElseThrow();
        String json = current.body().replaceFirst("\"title\"\\s*:\\s*\"[^\"]*\"", "\"title\":\"" + title + "\"");
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(api))
                .header("Authorization", "Bearer dev-editor-token")
                .header("Content-Type", "application/json")
                .header("If-Match", etag)
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
    }

    /** Polls the page until it satisfies the check; fails if that takes longer than {@code within}. */
    static void awaitPage(String gateway, String path, Predicate<String> check, long sinceNanos, Duration within)
            throws Exception {
        long deadline = sinceNanos + within.toNanos();
        String last = "";
        do {
            HttpResponse<String> page = get(gateway, path);
            last = page.statusCode() + " " + page.headers().firstValue("Cache-Status").orElse("");
            if (page.statusCode() == 200 && check.test(page.body())) {
                return;
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        fail(gateway + path + " still stale " + within.toMillis() + " ms after the write (last: " + last + ")");
    }

    static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
