package io.manchete.gateway.page;

import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.FragmentResult.Outcome;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assembly rules without HTTP: {@link PageAssembler#build} on hand-made results. */
class PageAssemblerTest {
    static final String LAYOUT = "{\"route\":\"article\",\"section\":\"world\",\"title\":\"World & co · Manchete\","
            + "\"template\":\"<title><!--manchete:title--></title><m><!--manchete:slot:main--></m><c><!--manchete:slot:comments--></c>\","
            + "\"slots\":[{\"name\":\"main\",\"service\":\"content\",\"path\":\"/fragments/article/{slug}\",\"primary\":true},"
            + "{\"name\":\"comments\",\"service\":\"comments\",\"path\":\"/fragments/comments/{slug}?section={section}\",\"primary\":false}],"
            + "\"maxAge\":300,\"tags\":[\"shell\",\"section:world\"]}";

    private final PageAssembler assembler = new PageAssembler(null, config(Duration.ofSeconds(10)));
    private final Layout layout = Layout.fromJson(LAYOUT);

    static FragmentResult ok(String slot, String body, String cacheControl, String keys, String title) {
        return new FragmentResult(Upstream.CONTENT, slot, Outcome.OK, 200, body, cacheControl, keys, title, 1_000_000);
    }

    static FragmentResult bad(String slot, Outcome outcome, int status, String cacheControl) {
        return new FragmentResult(Upstream.CONTENT, slot, outcome, status, "", cacheControl, null, null, 2_000_000);
    }

    private Assembly build(FragmentResult main, FragmentResult comments) {
        return assembler.build(layout, List.of(main, comments), new ServerTiming().add("layout", 500_000, null));
    }

    @Test
    void stitchesTitleFragmentsMaxAgeTagsAndTiming() {
        Assembly.Page page = assertInstanceOf(Assembly.Page.class, build(
                ok("main", "<p>M</p>", "public, max-age=60", "article:a section:world", "A%20%3Cb%3E%20%26%20%C3%A9"),
                ok("comments", "<p>C</p>", "public, max-age=45, stale-if-error=86400", "comments:a", null)));
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertEquals("<title>A &lt;b&gt; &amp; é · Manchete</title><m><p>M</p></m><c><p>C</p></c>", html);
        assertEquals(45, page.maxAge());
        assertEquals("shell section:world article:a comments:a", page.surrogateKey());
        assertEquals("layout;dur=0.5, frag-main;dur=1.0;desc=\"content\", frag-comments;dur=1.0;desc=\"comments\"",
                page.serverTiming());
        assertEquals(ETags.strong(page.body()), page.etag());
    }

    @Test
    void layoutTitleWhenThePrimaryHasNone() {
        Assembly.Page page = assertInstanceOf(Assembly.Page.class, build(
                ok("main", "M", "max-age=60", null, null), ok("comments", "C", "max-age=60", null, null)));
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).startsWith("<title>World &amp; co · Manchete</title>"));
    }

    @Test
    void layoutMaxAgeIsAnUpperBoundAndMissingFreshnessMeansZero() {
        Assembly.Page page = (Assembly.Page) build(ok("main", "M", "max-age=600", null, null),
                ok("comments", "C", "max-age=400", null, null));
        assertEquals(300, page.maxAge());
        page = (Assembly.Page) build(ok("main", "M", "max-age=600", null, null), ok("comments", "C", null, null, null));
        assertEquals(0, page.maxAge());
        page = (Assembly.Page) build(ok("main", "M", "private, max-age=600", null, null),
                ok("comments", "C", "max-age=60", null, null));
        assertEquals(0, page.maxAge());
    }

    @Test
    void failedSecondaryBecomesAPlaceholderWithTheShortMaxAge() {
        for (Outcome outcome : List.of(Outcome.TIMEOUT, Outcome.FAILED, Outcome.ERROR_STATUS, Outcome.NOT_FOUND)) {
            Assembly.Page page = assertInstanceOf(Assembly.Page.class, build(
                    ok("main", "M", "max-age=60", "article:a", null), bad("comments", outcome, 500, "max-age=99")));
            String html = new String(page.body(), StandardCharsets.UTF_8);
            assertTrue(html.contains("<c><div class=\"fragment-unavailable\" data-slot=\"comments\">"
                    + "This part of the page is unavailable right now.</div></c>"), html);
            assertEquals(10, page.maxAge());
            assertEquals("shell section:world article:a", page.surrogateKey());
        }
    }

    @Test
    void primaryNotFoundKeepsItsStatusAndItsShortMaxAge() {
        Assembly.Unavailable gone = assertInstanceOf(Assembly.Unavailable.class, build(
                bad("main", Outcome.NOT_FOUND, 410, "public, max-age=10"), ok("comments", "C", "max-age=60", null, null)));
        assertEquals(410, gone.status());
        assertEquals(10, gone.maxAge());
        assertTrue(gone.serverTiming().contains("frag-main;dur=2.0"), gone.serverTiming());
    }

    @Test
    void primaryFailureIs503() {
        for (Outcome outcome : List.of(Outcome.TIMEOUT, Outcome.FAILED, Outcome.ERROR_STATUS)) {
            Assembly.Unavailable unavailable = assertInstanceOf(Assembly.Unavailable.class, build(
                    bad("main", outcome, 502, null), ok("comments", "C", "max-age=60", null, null)));
            assertEquals(503, unavailable.status());
        }
    }

    @Test
    void titleDecoding() {
        assertEquals("Q+A now", PageAssembler.decodeTitle("Q%2BA+now"));
        assertEquals(null, PageAssembler.decodeTitle("%E0%A4%A"));
        assertEquals(null, PageAssembler.decodeTitle("  "));
        assertEquals(null, PageAssembler.decodeTitle(null));
    }

    @Test
    void placeholderEscapesTheSlotName() {
        assertTrue(PageAssembler.placeholder("a\"b").contains("data-slot=\"a&quot;b\""));
    }

    @Test
    void unusableLayoutsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Layout.fromJson("not json"));
        assertThrows(IllegalArgumentException.class, () -> Layout.fromJson("{\"slots\":[]}"));
        assertThrows(IllegalArgumentException.class, () -> Layout.fromJson("{\"template\":\"t\",\"slots\":[{\"name\":\"a\"}]}"));
        assertThrows(IllegalArgumentException.class, () -> Layout.fromJson("{\"template\":\"t\",\"slots\":\"x\"}"));
        assertEquals(List.of("shell", "section:world"), layout.tags());
        assertEquals(300, layout.maxAge());
        assertTrue(layout.slots().get(0).primary());
    }

    static GatewayConfig config(Duration placeholderMaxAge) {
        return new GatewayConfig() {
            @Override
            public Services services() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Duration placeholderMaxAge() {
                return placeholderMaxAge;
            }

            @Override
            public long commentFormMaxBytes() {
                return 65536;
            }
        };
    }
}
