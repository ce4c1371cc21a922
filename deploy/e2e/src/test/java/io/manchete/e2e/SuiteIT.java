package io.manchete.e2e;

import io.manchete.launcher.DemoData;
import io.manchete.launcher.ProjectLayout;
import io.manchete.launcher.Progress;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole suite as separate processes — a real Infinispan Server, real PostgreSQL, the four
 * services — checked through the gateway the way a browser uses it.
 */
class SuiteIT {
    static Suite suite;
    static List<DemoData.Article> articles;
    static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @BeforeAll
    static void startSuite() {
        DemoData.Size size = DemoData.Size.small();
        articles = new DemoData(size).articles();
        String prefix = "e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        suite = new Suite(ProjectLayout.locate(),
                Suite.Options.forTests(Path.of("target", "e2e").toAbsolutePath(), prefix, size),
                new Progress(System.out));
        try {
            suite.start();
        } catch (RuntimeException e) {
            suite.close();
            throw e;
        }
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            try {
                suite.dropDatabases();
            } finally {
                suite.close();
            }
        }
    }

    @Test
    void homePageListsTheNewestArticles() throws Exception {
        HttpResponse<String> home = get("/");
        assertEquals(200, home.statusCode());
        assertTrue(home.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        DemoData.Article newest = articles.get(0);
        assertTrue(home.body().contains("href=\"" + newest.path() + "\""), "home links the newest article");
        assertTrue(home.body().contains(escape(newest.title())), "home shows the newest article's title");
        assertTrue(home.body().contains("<html") && home.body().contains("</html>"), "a whole page");
    }

    @Test
    void articlePageHoldsItsBodyAndComments() throws Exception {
        DemoData.Article popular = articles.get(new DemoData(DemoData.Size.small()).popularity()[0]);
        HttpResponse<String> page = getWhole(popular.path(), body -> true);
        assertEquals(200, page.statusCode());
        String firstParagraph = popular.body().split("\n\n")[0];
        assertTrue(page.body().contains(escape(firstParagraph)), "the article body is on the page");
        assertTrue(page.body().contains("<title>" + escape(popular.title())), "the title names the article");
        assertTrue(page.body().contains("class=\"comments\""), "the comments fragment is on the page");
        assertTrue(page.body().contains("action=\"" + popular.path() + "/comments\""), "the comment form posts back to the article");
        assertTrue(page.body().contains("comment-body"), "the most commented article shows comments");
    }

    @Test
    void aCommentPostedThroughTheFormAppearsOnThePage() throws Exception {
        DemoData.Article article = articles.get(7);
        String text = "Form comment " + UUID.randomUUID() + " <script>alert(1)</script>";
        String form = "author=" + URLEncoder.encode("E2E Reader", StandardCharsets.UTF_8)
                + "&body=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(uri(article.path() + "/comments"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, posted.statusCode(), posted.body());
        assertTrue(posted.headers().firstValue("Location").orElse("").startsWith(article.path()));

        HttpResponse<String> page = getWhole(article.path(), body -> body.contains(escape(text)));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains(escape(text)), "the new comment is on the page, escaped");
        assertFalse(page.body().contains("<script>alert(1)</script>"), "user text never becomes markup");
    }

    @Test
    void assetsAreServedWithImmutableCaching() throws Exception {
        String home = get("/").body();
        Matcher css = Pattern.compile("href=\"(/assets/[^\"]+\\.css)\"").matcher(home);
        assertTrue(css.find(), "the page links a hashed stylesheet");
        HttpResponse<String> asset = get(css.group(1));
        assertEquals(200, asset.statusCode());
        String cacheControl = asset.headers().firstValue("Cache-Control").orElse("");
        assertTrue(cacheControl.contains("immutable") && cacheControl.contains("max-age=31536000"), cacheControl);
        assertTrue(asset.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    }

    @Test
    void anUnknownArticleIsAnHtml404() throws Exception {
        HttpResponse<String> missing = get("/world/no-such-article-here");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertFalse(missing.body().contains("Exception"), "no stack trace");
    }

    /**
     * The page once it is whole and passes the check. On a cold suite a fragment may miss its
     * budget (the page then shows a placeholder or the fragment's last good copy), so the page is
     * asked for again, revalidating, for up to 15 s; the last answer is returned either way.
     */
    static HttpResponse<String> getWhole(String path, java.util.function.Predicate<String> check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> page = get(path);
        while (System.nanoTime() < deadline
                && (page.statusCode() != 200 || page.body().contains("fragment-unavailable") || !check.test(page.body()))) {
            Thread.sleep(200);
            page = HTTP.send(HttpRequest.newBuilder(uri(path)).header("Cache-Control", "no-cache")
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        return page;
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(String path) {
        return URI.create(suite.gatewayUrl() + path);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
