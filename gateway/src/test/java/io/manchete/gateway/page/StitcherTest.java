package io.manchete.gateway.page;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StitcherTest {

    @Test
    void replacesEachSlotMarkerAndTheTitle() {
        String template = "<title><!--manchete:title--></title><main><!--manchete:slot:main--></main>"
                + "<aside><!--manchete:slot:comments--></aside>";
        assertEquals("<title>T · M</title><main><p>body</p></main><aside><p>c</p></aside>",
                Stitcher.stitch(template, Map.of("main", "<p>body</p>", "comments", "<p>c</p>"), "T · M"));
    }

    @Test
    void markersAtTheEdgesAndAdjacent() {
        assertEquals("ab", Stitcher.stitch("<!--manchete:slot:a--><!--manchete:slot:b-->", Map.of("a", "a", "b", "b"), "t"));
    }

    @Test
    void sameSlotTwice() {
        assertEquals("x|x", Stitcher.stitch("<!--manchete:slot:a-->|<!--manchete:slot:a-->", Map.of("a", "x"), null));
    }

    @Test
    void unknownSlotsOtherCommentsAndUnterminatedMarkersStay() {
        String template = "<!-- plain --><!--manchete:slot:nope--><!--manchete:titles--><!--manchete:slot:a";
        assertEquals(template, Stitcher.stitch(template, Map.of("a", "A"), "T"));
    }

    @Test
    void fragmentContentIsNotScannedForMarkers() {
        assertEquals("<!--manchete:slot:b-->|B", Stitcher.stitch("<!--manchete:slot:a-->|<!--manchete:slot:b-->",
                Map.of("a", "<!--manchete:slot:b-->", "b", "B"), null));
    }

    @Test
    void titleMarkerWithoutTitleStays() {
        assertEquals("<!--manchete:title-->", Stitcher.stitch("<!--manchete:title-->", Map.of(), null));
    }

    @Test
    void templateWithoutMarkers() {
        assertEquals("<p>static</p>", Stitcher.stitch("<p>static</p>", Map.of("a", "A"), "T"));
    }
}
