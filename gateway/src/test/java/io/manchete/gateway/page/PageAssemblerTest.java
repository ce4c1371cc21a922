package io.manchete.gateway.page;

import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.FragmentResult.Outcome;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.config.GatewayConfig;
import io.manchete.gateway.cache.CacheResult;
import io.manchete.gateway.cache.Part;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private final PageAssembler assembler = new PageAssembler(null, config(Duration.ofSeconds(10)), null);
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
    void aLateSecondaryKeepsThePageFreshForOnlyTheLateFragmentMaxAge() {
        Assembly.Page page = assertInstanceOf(Assembly.Page.class, build(
                ok("main", "M", "max-age=60", "article:a", null), bad("comments", Outcome.TIMEOUT, 0, null)));
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("data-slot=\"comments\""));
        assertEquals(1, page.maxAge(), "late, not refused: fresh for late-fragment-max-age");
        assertTrue(page.serverTiming().contains("desc=\"comments timeout\""), page.serverTiming());
        for (Outcome refused : List.of(Outcome.FAILED, Outcome.BREAKER_OPEN, Outcome.BULKHEAD_FULL)) {
            page = assertInstanceOf(Assembly.Page.class, build(
                    ok("main", "M", "max-age=60", "article:a", null), bad("comments", refused, 0, null)));
            assertEquals(10, page.maxAge(), refused + ": the placeholder max-age");
            assertTrue(page.serverTiming().contains("desc=\"comments " + refused.tag() + "\""), page.serverTiming());
        }
    }

    @Test
    void failedSecondaryBecomesAPlaceholderWithTheShortMaxAge() {
        for (Outcome outcome : List.of(Outcome.FAILED, Outcome.ERROR_STATUS, Outcome.NOT_FOUND)) {
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
    void primaryPermanentRedirectToThisSiteIsThePagesRedirect() {
        for (int status : List.of(301, 308)) {
            FragmentResult moved = new FragmentResult(Upstream.CONTENT, "main", Outcome.REDIRECT, status, "",
                    "public, max-age=60", "article:a", null, 1_000_000, false, "/world/new-name");
            Assembly.Redirect redirect = assertInstanceOf(Assembly.Redirect.class,
                    build(moved, ok("comments", "C", "max-age=60", null, null)));
            assertEquals(status, redirect.status());
            assertEquals("/world/new-name", redirect.location());
            assertEquals(10, redirect.maxAge(), "at most the not-found max-age");
            assertEquals("shell section:world article:a", redirect.surrogateKey());
        }
        for (String elsewhere : List.of("https://elsewhere.example/x", "//elsewhere.example/x", "/\\elsewhere", "/a b", "")) {
            FragmentResult moved = new FragmentResult(Upstream.CONTENT, "main", Outcome.REDIRECT, 301, "", null, null,
                    null, 1_000_000, false, elsewhere);
            assertEquals(503, assertInstanceOf(Assembly.Unavailable.class,
                    build(moved, ok("comments", "C", "max-age=60", null, null))).status(), elsewhere);
        }
    }

    @Test
    void aLastGoodCopyStandsInButKeepsThePageShortLived() {
        FragmentResult failed = bad("main", Outcome.TIMEOUT, 0, null);
        Part stale = new Part(ok("main", "<p>old</p>", null, "article:a section:world", null), 10, 0, 86400,
                Map.of("article:a", "1.a", "section:world", "0.w"), false, CacheResult.MISS, failed);
        Assembly.Page page = assertInstanceOf(Assembly.Page.class, assembler.build(layout,
                layoutPart(Map.of("shell", "0.s", "section:world", "0.w")),
                List.of(stale, part(ok("comments", "C", "public, max-age=45", "comments:a", null), Map.of("comments:a", "0.c"))),
                new ServerTiming()));
        assertEquals("main", page.staleParts());
        assertEquals(10, page.maxAge());
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("<m><p>old</p></m>"));
        assertTrue(page.serverTiming().contains("frag-main;dur=1.0;desc=\"content stale-if-error\""), page.serverTiming());
    }

    static Part part(FragmentResult result, Map<String, String> versions) {
        return Part.fetched(result, versions, CacheResult.MISS);
    }

    static Part layoutPart(Map<String, String> versions) {
        return part(new FragmentResult(Upstream.PAGE, "layout", Outcome.OK, 200, LAYOUT,
                "public, max-age=300, stale-while-revalidate=300, stale-if-error=86400", "shell section:world", null, 0),
                versions);
    }

    @Test
    void cachedPartsGiveThePageTheirTagVersionsAndTheLeastFreshness() {
        Assembly.Page page = assertInstanceOf(Assembly.Page.class, assembler.build(layout,
                layoutPart(Map.of("shell", "0.s", "section:world", "0.w")),
                List.of(part(ok("main", "M", "public, max-age=60, stale-while-revalidate=60, stale-if-error=600",
                                "article:a section:world", null), Map.of("article:a", "1.a", "section:world", "0.w")),
                        part(ok("comments", "C", "public, max-age=45, stale-while-revalidate=45, stale-if-error=86400",
                                "comments:a", null), Map.of("comments:a", "0.c"))),
                new ServerTiming()));
        assertTrue(page.cacheable());
        assertEquals(45, page.maxAge());
        assertEquals(45, page.staleWhileRevalidate());
        assertEquals(600, page.staleIfError());
        assertEquals(List.of("shell", "section:world", "article:a", "comments:a"), List.copyOf(page.versions().keySet()));
        assertEquals("1.a", page.versions().get("article:a"));
    }

    @Test
    void aPageIsNotStorableWhenAPartIsNotOrVersionsDisagree() {
        Map<String, String> layoutVersions = Map.of("shell", "0.s", "section:world", "0.w");
        FragmentResult main = ok("main", "M", "public, max-age=60", "article:a section:world", null);
        FragmentResult comments = ok("comments", "C", "public, max-age=45", "comments:a", null);
        // built from another version of section:world than the layout: one of them is already stale
        Assembly.Page conflict = (Assembly.Page) assembler.build(layout, layoutPart(layoutVersions),
                List.of(part(main, Map.of("article:a", "1", "section:world", "2.w")), part(comments, Map.of("comments:a", "0"))),
                new ServerTiming());
        assertFalse(conflict.cacheable());
        // a part whose versions are unknown
        Assembly.Page unknown = (Assembly.Page) assembler.build(layout, layoutPart(layoutVersions),
                List.of(part(main, null), part(comments, Map.of("comments:a", "0"))), new ServerTiming());
        assertFalse(unknown.cacheable());
        // a personal part: not storable, and marked so nobody stores it
        Assembly.Page personal = (Assembly.Page) assembler.build(layout, layoutPart(layoutVersions),
                List.of(part(main, Map.of("article:a", "1", "section:world", "0.w")),
                        part(new FragmentResult(Upstream.COMMENTS, "comments", Outcome.OK, 200, "C", "public, max-age=45",
                                "comments:a", null, 0, true), Map.of("comments:a", "0"))),
                new ServerTiming());
        assertFalse(personal.cacheable());
        assertTrue(personal.personal());
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
            public Duration lateFragmentMaxAge() {
                return Duration.ofSeconds(1);
            }

            @Override
            public long commentFormMaxBytes() {
                return 65536;
            }

            @Override
            public PageCache pageCache() {
                return pageCacheConfig();
            }

            @Override
            public FragmentCache fragmentCache() {
                return () -> true;
            }

            @Override
            public Purge purge() {
                throw new UnsupportedOperationException();
            }

            @Override
            public AccessLog accessLog() {
                throw new UnsupportedOperationException();
            }

            @Override
            public EarlyHints earlyHints() {
                throw new UnsupportedOperationException();
            }

            @Override
            public EarlyFlush earlyFlush() {
                return new EarlyFlush() {
                    @Override
                    public boolean enabled() {
                        return true;
                    }

                    @Override
                    public Duration after() {
                        return Duration.ofMillis(30);
                    }
                };
            }
        };
    }

    static GatewayConfig.PageCache pageCacheConfig() {
        return new GatewayConfig.PageCache() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public List<String> trackingParameters() {
                return List.of("utm_*", "fbclid", "gclid", "ref");
            }

            @Override
            public java.util.Optional<List<String>> keyHeaders() {
                return java.util.Optional.empty();
            }

            @Override
            public Duration notFoundMaxAge() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration browserMaxAge() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration staleRetention() {
                return Duration.ofHours(1);
            }

            @Override
            public Duration timeout() {
                return Duration.ofMillis(250);
            }

            @Override
            public Duration retryAfterFailure() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration tagVersionLifespan() {
                return Duration.ofHours(24);
            }

            @Override
            public NearCache nearCache() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
