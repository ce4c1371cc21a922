package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Early flush over the wire: a page whose secondary fragment is late is streamed — head and article
 * first, the late fragment after — and what was streamed is the page the cache then keeps; a page
 * whose primary is late is not streamed, so its status is still the primary's. (The other tests run
 * with early flush off: their cold stubs may take longer than the flush delay.)
 */
@QuarkusTest
@TestProfile(EarlyFlushTest.Enabled.class)
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class EarlyFlushTest {
    public static class Enabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("manchete.early-flush.enabled", "true", "manchete.early-flush.after", "30ms");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    @Test
    void aLateSecondaryFragmentIsStreamedAfterTheHeadAndTheWholeIsThePageTheCacheKeeps() throws IOException {
        String slug = Gateway.newStory();
        long delay = 400;
        Stubs.on("comments", "/fragments/comments/" + slug).delay(delay).install();
        List<long[]> arrivals = new ArrayList<>();
        String wire = Gateway.rawGet(gateway, "/world/" + slug, "HTTP/1.1", arrivals);
        int answerAt = wire.indexOf("HTTP/1.1 200 OK\r\n");
        assertTrue(answerAt >= 0, wire);
        String answer = wire.substring(answerAt);
        String head = head(answer);
        assertTrue(head.contains("transfer-encoding: chunked"), head);
        assertTrue(head.contains("cache-control: private, max-age="), "a shared cache must not keep it: " + head);
        assertTrue(head.contains("link: " + FailurePagesTest.STYLESHEET_LINK.toLowerCase()), head);
        assertFalse(head.contains("etag:"), head);
        List<String> chunks = chunks(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertTrue(chunks.size() >= 2, "streamed in pieces: " + chunks);
        String first = chunks.get(0);
        assertTrue(first.contains("<head>") && first.contains("</head>"), first);
        assertTrue(first.contains("data-slug=\"" + slug + "\""), "the article is in the first piece: " + first);
        assertFalse(first.contains("class=\"comments\""), "the late comments are not: " + first);
        String streamed = String.join("", chunks);
        assertTrue(streamed.contains("class=\"comments\""), streamed);
        assertTrue(answer.toLowerCase().contains("\r\nserver-timing: "), "the timing as a trailer: " + answer);
        // the first piece left before the late fragment was there: its bytes came well before the last
        int firstPieceBytes = answerAt + answer.indexOf("\r\n\r\n") + 4 + first.length() / 2;
        long firstAt = arrivals.stream().filter(a -> a[1] >= firstPieceBytes).findFirst().orElseThrow()[0];
        long lastAt = arrivals.get(arrivals.size() - 1)[0];
        assertTrue(lastAt - firstAt >= delay / 2 * 1_000_000,
                "the head came only " + (lastAt - firstAt) / 1_000_000 + " ms before the end");

        // the page cache keeps the whole page: the same bytes, answered whole, shareable
        given().get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", startsWith("Manchete; hit"))
                .header("Cache-Control", startsWith("public"))
                .body(equalTo(streamed));
    }

    @Test
    void aPageWhosePrimaryIsLateIsNotStreamedSoItsStatusIsStillThePrimarys() throws IOException {
        String slug = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + slug).status(410, "").delay(300).install();
        Stubs.on("comments", "/fragments/comments/" + slug).delay(300).install();
        String wire = Gateway.rawGet(gateway, "/world/" + slug, "HTTP/1.1", new ArrayList<>());
        assertTrue(wire.contains("HTTP/1.1 410 Gone\r\n"), wire);
        assertFalse(wire.contains("HTTP/1.1 200"), wire);
    }

    @Test
    void aPageWhoseFragmentsAreQuickIsAnsweredWhole() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200); // cold: may or may not stream
        Stubs.reset();
        given().header("Cache-Control", "no-cache").get("/world/" + slug).then().statusCode(200)
                .header("Cache-Control", startsWith("public"))
                .header("ETag", startsWith("\""))
                .header("Content-Length", org.hamcrest.Matchers.notNullValue());
    }

    private static String head(String response) {
        int end = response.indexOf("\r\n\r\n");
        return (end < 0 ? response : response.substring(0, end)).toLowerCase();
    }

    /** The chunks of a chunked body (what follows the last chunk, the trailers, left out). */
    private static List<String> chunks(String body) {
        List<String> chunks = new ArrayList<>();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int at = 0;
        while (true) {
            int lineEnd = at;
            while (bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            int size = Integer.parseInt(new String(bytes, at, lineEnd - at, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                return chunks;
            }
            chunks.add(new String(bytes, lineEnd + 2, size, StandardCharsets.UTF_8));
            at = lineEnd + 2 + size + 2;
        }
    }
}
