package io.manchete.gateway.page;

import io.manchete.gateway.cache.CacheResult;
import io.manchete.gateway.cache.Part;
import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.FragmentResult.Outcome;
import io.manchete.gateway.client.Upstream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a page is streamed and that what is streamed is, byte for byte, the page that is assembled. */
class EarlyFlushTest {
    /** Head with a title, a navigation slot before the primary one, the primary, two secondaries, a stray marker. */
    static final String LAYOUT = "{\"route\":\"article\",\"section\":\"world\",\"title\":\"World · Manchete\","
            + "\"template\":\"<html><head><title><!--manchete:title--></title><link rel=stylesheet href=/a.css></head>"
            + "<body><nav><!--manchete:slot:nav--></nav><main><!--manchete:slot:main--></main>"
            + "<aside><!--manchete:slot:extras--></aside><!--manchete:other--><section><!--manchete:slot:comments--></section>"
            + "<!--manchete:slot:unknown--></body></html>\","
            + "\"slots\":[{\"name\":\"nav\",\"service\":\"page\",\"path\":\"/fragments/nav\",\"primary\":false},"
            + "{\"name\":\"main\",\"service\":\"content\",\"path\":\"/fragments/article/{slug}\",\"primary\":true},"
            + "{\"name\":\"extras\",\"service\":\"content\",\"path\":\"/fragments/extras\",\"primary\":false},"
            + "{\"name\":\"comments\",\"service\":\"comments\",\"path\":\"/fragments/comments/{slug}\",\"primary\":false}],"
            + "\"maxAge\":300,\"tags\":[\"shell\"]}";

    private final Layout layout = Layout.fromJson(LAYOUT);
    private final PageAssembler assembler = new PageAssembler(null, PageAssemblerTest.config(Duration.ofSeconds(10)), null);
    private final Part layoutPart = part(new FragmentResult(Upstream.PAGE, "layout", Outcome.OK, 200, "", null, null,
            null, 0), 120, false);

    private final Part nav = part(ok("nav", "<a href=/>Home</a>"), 300, false);
    private final Part main = part(new FragmentResult(Upstream.CONTENT, "main", Outcome.OK, 200, "<p>Story</p>",
            "public, max-age=60", "article:a", "Big%20%3Cnews%3E", 0), 60, false);
    private final Part extras = part(ok("extras", "<b>more</b>"), 300, false);
    private final Part comments = part(ok("comments", "<ul><li>first!</li></ul>"), 300, false);

    static FragmentResult ok(String slot, String body) {
        return new FragmentResult(Upstream.CONTENT, slot, Outcome.OK, 200, body, "public, max-age=300", null, null, 0);
    }

    static Part part(FragmentResult result, int maxAge, boolean personal) {
        return new Part(result, maxAge, 0, 0, Map.of(), personal, CacheResult.MISS);
    }

    /** Records what the flush is asked to do. */
    static final class Recorder implements PageFlush {
        final List<String> chunks = new ArrayList<>();
        PageFlush.Head head;
        boolean accept = true;

        @Override
        public void hints(String links) {
        }

        @Override
        public boolean begin(Head head, String html) {
            if (!accept) {
                return false;
            }
            this.head = head;
            chunks.add(html);
            return true;
        }

        @Override
        public void write(String html) {
            assertNotNull(head, "written before the answer started");
            chunks.add(html);
        }

        String all() {
            return String.join("", chunks);
        }
    }

    private String page(List<Part> parts) {
        Assembly.Page page = (Assembly.Page) assembler.build(layout, layoutPart, parts, new ServerTiming(), null);
        return new String(page.body(), StandardCharsets.UTF_8);
    }

    @Test
    void lateSecondaryStreamsHeadAndPrimaryFirstThenTheRestAndTheWholeIsThePage() {
        Recorder flush = new Recorder();
        EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, 10, "</a.css>; rel=preload; as=style");
        early.arrived(1, main);
        early.arrived(0, nav);
        early.arrived(2, extras);
        assertNull(flush.head, "nothing before the flush delay");
        early.due();
        assertNotNull(flush.head);
        assertEquals(1, flush.chunks.size());
        String first = flush.chunks.get(0);
        assertTrue(first.startsWith("<html><head><title>Big &lt;news&gt; · Manchete</title>"), first);
        assertTrue(first.contains("<main><p>Story</p></main><aside><b>more</b></aside><!--manchete:other--><section>"),
                first);
        assertFalse(first.contains("first!"), first);
        assertEquals(10, flush.head.maxAge(), "at most the placeholder max-age: a late part may still fail");
        assertFalse(flush.head.personal());
        assertEquals("</a.css>; rel=preload; as=style", flush.head.links());

        early.arrived(3, comments);
        assertTrue(early.finish());
        assertEquals(2, flush.chunks.size());
        assertEquals(page(List.of(nav, main, extras, comments)), flush.all());
    }

    @Test
    void aLateSecondaryThatFailsBecomesItsPlaceholderInTheStreamAsInThePage() {
        Part failed = part(new FragmentResult(Upstream.COMMENTS, "comments", Outcome.TIMEOUT, 0, "", null, null, null,
                0), -1, false);
        Recorder flush = new Recorder();
        EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, 10, null);
        early.due();
        early.arrived(1, main);
        assertNotNull(flush.head, "the primary arriving after the delay starts the answer");
        assertTrue(flush.all().endsWith("<nav>"), "up to the first missing fragment: " + flush.all());
        early.arrived(3, failed);
        early.arrived(0, nav);
        early.arrived(2, extras);
        early.finish();
        String page = page(List.of(nav, main, extras, failed));
        assertTrue(page.contains(PageAssembler.placeholder("comments")), page);
        assertEquals(page, flush.all());
    }

    @Test
    void nothingIsStreamedBeforeThePrimaryIsThereAndFine() {
        Recorder flush = new Recorder();
        EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, 10, null);
        early.due();
        early.arrived(0, nav);
        assertNull(flush.head, "the primary decides the status");
        early.arrived(1, part(new FragmentResult(Upstream.CONTENT, "main", Outcome.NOT_FOUND, 404, "", null, null, null,
                0), 10, false));
        assertNull(flush.head, "a 404 page is answered whole");
        early.arrived(2, extras);
        early.arrived(3, comments);
        assertFalse(early.finish());
        assertTrue(flush.chunks.isEmpty());
    }

    @Test
    void aPageWhoseFragmentsAllArriveWithinTheDelayIsAnsweredWhole() {
        Recorder flush = new Recorder();
        EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, 10, null);
        early.arrived(0, nav);
        early.arrived(1, main);
        early.arrived(2, extras);
        early.arrived(3, comments);
        early.due();
        assertNull(flush.head, "everything is there: no reason to stream");
        assertFalse(early.finish());
        early.due(); // a timer firing after the end changes nothing
        assertTrue(flush.chunks.isEmpty());
    }

    @Test
    void aPersonalPrimaryStreamsAsPersonalAndAnAnswerThatCannotStreamStaysWhole() {
        Recorder flush = new Recorder();
        EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, 10, null);
        early.arrived(1, part(main.result(), 60, true));
        early.due();
        assertTrue(flush.head.personal());

        Recorder refusing = new Recorder();
        refusing.accept = false;
        EarlyFlush refused = new EarlyFlush(refusing, layout, layoutPart, 10, null);
        refused.arrived(1, main);
        refused.due();
        refused.arrived(0, nav);
        refused.arrived(2, extras);
        refused.arrived(3, comments);
        assertFalse(refused.finish());
        assertTrue(refusing.chunks.isEmpty(), "nothing written once the answer refused to stream");
    }

    @Test
    void theHeadsMaxAgeIsTheLeastOfLayoutPrimaryAndPlaceholder() {
        Recorder flush = new Recorder();
        EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, 600, null);
        early.arrived(1, part(main.result(), 45, false));
        early.due();
        assertEquals(45, flush.head.maxAge());
    }
}
