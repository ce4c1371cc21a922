package io.manchete.e2e;

import io.manchete.launcher.DemoData;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole suite as separate processes — a real Infinispan Server, real PostgreSQL, the four
 * services — checked through the gateway the way a browser uses it. Every process exports its spans
 * (OTLP/HTTP) to an {@link OtlpReceiver} of this test, so one page request can be followed across
 * all four.
 */
class SuiteIT {
    /** The {@code manchete.purge.token} of this suite (every process must share it). */
    static final String PURGE_TOKEN = "e2e-purge-" + UUID.randomUUID();
    static final List<String> UPSTREAMS = List.of("page", "content", "comments");

    static OtlpReceiver otlp;
    static Suite suite;
    static List<DemoData.Article> articles;
    static final HttpClient HTTP = E2e.HTTP;

    @BeforeAll
    static void startSuite() {
        articles = new DemoData(DemoData.Size.small()).articles();
        otlp = OtlpReceiver.start();
        Map<String, String> each = new LinkedHashMap<>(otlp.exporterConfig());
        each.put("manchete.purge.token", PURGE_TOKEN);
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        for (String process : List.of("page", "content", "comments", "gateway")) {
            overrides.put(process, each);
        }
        try {
            suite = E2e.start(E2e.suite("e2e", E2e.prefix("e2e"), overrides));
        } catch (RuntimeException e) {
            otlp.close();
            throw e;
        }
    }

    @AfterAll
    static void stopSuite() {
        try {
            E2e.stop(suite);
        } finally {
            if (otlp != null) {
                otlp.close();
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
        // The gateway keys a form post by its content and minute, so sending it again after a 503
        // (a cold comments-service) is what a reader's browser may do, and stores one comment.
        HttpResponse<String> posted = whileUnavailable(() -> HTTP.send(HttpRequest.newBuilder(uri(article.path() + "/comments"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()));
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
        HttpResponse<String> missing = whileUnavailable(() -> get("/world/no-such-article-here"));
        assertEquals(404, missing.statusCode());
        assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertFalse(missing.body().contains("Exception"), "no stack trace");
    }

    /**
     * One page request through the gateway is one trace across the four processes: the gateway's
     * server span continues the caller's {@code traceparent}; below it one client span per part
     * (layout from page-service, article from content-service, comments from comments-service);
     * below each of those the service's server span; below those the services' Infinispan and
     * database spans. The test's {@link OtlpReceiver} receives what the processes export.
     */
    @Test
    void aPageRequestIsOneTraceAcrossTheGatewayAndTheThreeServices() throws Exception {
        DemoData.Article article = articles.get(3);
        HttpResponse<String> warm = getWhole(article.path(), body -> true);
        assertEquals(200, warm.statusCode(), "the article page renders");
        // a cold page whose comments came after the early-flush delay was streamed, and a streamed
        // answer names no tags (they are not all known when it starts); the page cache keeps it whole
        for (int i = 0; i < 50 && warm.headers().firstValue("Surrogate-Key").isEmpty(); i++) {
            Thread.sleep(100);
            warm = get(article.path());
        }
        // The gateway keeps layout and fragments in its fragment cache: expire every tag the page is
        // built from (the page's Surrogate-Key), so that this assembly fetches each part from its service.
        List<String> tags = Arrays.stream(warm.headers().firstValue("Surrogate-Key").orElse("").trim().split("\\s+"))
                .filter(tag -> !tag.isEmpty()).toList();
        assertFalse(tags.isEmpty(), "the article page names the tags it is built from");
        purge(tags);

        SecureRandom random = new SecureRandom();
        String traceId = randomHex(random, 16);
        String callerSpanId = randomHex(random, 8);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri(article.path()))
                .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
                .header("Cache-Control", "no-cache")
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(traceId, page.headers().firstValue("X-Trace-Id").orElse(null),
                "the gateway continues the caller's trace (status " + page.statusCode() + ")");

        List<OtlpReceiver.ReceivedSpan> trace = awaitTrace(traceId, callerSpanId, Duration.ofSeconds(30));
        System.out.println("GET " + article.path() + " -> " + page.statusCode() + ", "
                + page.headers().firstValue("Cache-Status").orElse("") + "\n" + OtlpReceiver.tree(trace, callerSpanId));
        List<String> problems = traceProblems(trace, callerSpanId);
        if (!problems.isEmpty()) {
            fail("the trace of one page request is not whole:\n  " + String.join("\n  ", problems) + "\n"
                    + OtlpReceiver.tree(trace, callerSpanId) + "receiver: " + otlp.stats());
        }
        assertTrue(trace.stream().allMatch(span -> span.traceId().equals(traceId)), "one trace id throughout");
    }

    /**
     * The spans of {@code traceId} once they make a whole trace (see {@link #traceProblems}) and no
     * more arrive for a moment; whatever arrived when {@code timeout} runs out otherwise.
     */
    static List<OtlpReceiver.ReceivedSpan> awaitTrace(String traceId, String callerSpanId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<OtlpReceiver.ReceivedSpan> trace = otlp.trace(traceId);
        while (System.nanoTime() < deadline) {
            if (traceProblems(trace, callerSpanId).isEmpty()) {
                Thread.sleep(500); // stragglers: spans of the same request still in a batch
                List<OtlpReceiver.ReceivedSpan> later = otlp.trace(traceId);
                if (later.size() == trace.size()) {
                    return later;
                }
                trace = later;
                continue;
            }
            Thread.sleep(100);
            trace = otlp.trace(traceId);
        }
        return trace;
    }

    /**
     * What keeps {@code trace} from being the whole trace of one page request (empty when nothing):
     * exactly one gateway server span, child of the caller's span; for each upstream a gateway client
     * span (attribute {@code manchete.service}) below it, and a server span of that service whose
     * parent is one of those client spans; at least one Infinispan or database span of a service
     * ({@code db.system}); and every span's parent in the trace.
     */
    static List<String> traceProblems(List<OtlpReceiver.ReceivedSpan> trace, String callerSpanId) {
        List<String> problems = new ArrayList<>();
        Map<String, OtlpReceiver.ReceivedSpan> byId = trace.stream()
                .collect(Collectors.toMap(OtlpReceiver.ReceivedSpan::spanId, span -> span, (a, b) -> a));
        List<OtlpReceiver.ReceivedSpan> gatewayServer = trace.stream()
                .filter(span -> span.service().equals("gateway") && span.server()).toList();
        String gatewaySpanId = null;
        if (gatewayServer.size() != 1) {
            problems.add("one gateway server span expected, " + gatewayServer.size() + " received");
        } else {
            gatewaySpanId = gatewayServer.get(0).spanId();
            if (!gatewayServer.get(0).parentSpanId().equals(callerSpanId)) {
                problems.add("the gateway server span's parent is " + gatewayServer.get(0).parentSpanId()
                        + ", not the caller's span " + callerSpanId);
            }
        }
        for (String upstream : UPSTREAMS) {
            List<OtlpReceiver.ReceivedSpan> clients = trace.stream()
                    .filter(span -> span.service().equals("gateway") && span.client()
                            && upstream.equals(span.attribute("manchete.service"))).toList();
            if (clients.isEmpty()) {
                problems.add("no gateway client span for " + upstream);
                continue;
            }
            for (OtlpReceiver.ReceivedSpan client : clients) {
                if (gatewaySpanId != null && !client.parentSpanId().equals(gatewaySpanId)) {
                    problems.add("gateway client span \"" + client.name() + "\" is not a child of the gateway server span");
                }
            }
            Set<String> clientIds = clients.stream().map(OtlpReceiver.ReceivedSpan::spanId).collect(Collectors.toSet());
            String service = upstream + "-service";
            List<OtlpReceiver.ReceivedSpan> servers = trace.stream()
                    .filter(span -> span.service().equals(service) && span.server()).toList();
            if (servers.isEmpty()) {
                boolean fromCache = clients.stream().allMatch(span -> "hit".equals(span.attribute("manchete.fragment.cache")));
                problems.add("no " + service + " server span" + (fromCache ? " (the gateway took that part from its fragment cache)" : ""));
            }
            for (OtlpReceiver.ReceivedSpan server : servers) {
                if (!clientIds.contains(server.parentSpanId())) {
                    problems.add(service + " server span \"" + server.name() + "\" has parent " + server.parentSpanId()
                            + ", not the gateway's client span for " + upstream);
                }
            }
        }
        if (trace.stream().noneMatch(span -> !span.service().equals("gateway") && span.client()
                && span.attribute("db.system") != null)) {
            problems.add("no Infinispan or database span (db.system) from a service");
        }
        for (OtlpReceiver.ReceivedSpan span : trace) {
            if (!span.parentSpanId().equals(callerSpanId) && !byId.containsKey(span.parentSpanId())) {
                problems.add(span.service() + " span \"" + span.name() + "\" has parent "
                        + (span.parentSpanId().isEmpty() ? "none" : span.parentSpanId()) + ", which is not in the trace");
            }
        }
        return problems;
    }

    /** Expires {@code tags} in the gateway (its purge API), as a service's purge relay does. */
    static void purge(List<String> tags) throws Exception {
        String json = tags.stream().map(tag -> '"' + tag.replace("\\", "\\\\").replace("\"", "\\\"") + '"')
                .collect(Collectors.joining(",", "{\"tags\":[", "],\"source\":\"e2e\"}"));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> answer;
        do {
            answer = HTTP.send(HttpRequest.newBuilder(uri("/internal/v1/purge"))
                    .header("Authorization", "Bearer " + PURGE_TOKEN)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 503) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals(204, answer.statusCode(), "purge " + tags + ": " + answer.body());
    }

    static String randomHex(SecureRandom random, int bytes) {
        byte[] id = new byte[bytes];
        do {
            random.nextBytes(id);
        } while (isZero(id)); // an all-zero trace or span id is invalid
        return HexFormat.of().formatHex(id);
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
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

    interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /**
     * The first answer that is not a 503. On a cold suite a service's first answers may miss the
     * gateway's budget, and a page it has never seen is then a 503 with Retry-After, as designed; a
     * reader tries again, and so does the test, for up to 30 s (the 503 must carry Retry-After).
     */
    static HttpResponse<String> whileUnavailable(Call call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> answer = call.send();
        while (answer.statusCode() == 503 && System.nanoTime() < deadline) {
            assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "a 503 says when to try again");
            Thread.sleep(500);
            answer = call.send();
        }
        return answer;
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
