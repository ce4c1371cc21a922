package io.manchete.gateway.page;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SlotPathsTest {

    @Test
    void fillsSlugAndSection() {
        assertEquals("/fragments/comments/hello-world?section=world",
                SlotPaths.expand("/fragments/comments/{slug}?section={section}", "world", "hello-world"));
        assertEquals("/fragments/article/hello-world", SlotPaths.expand("/fragments/article/{slug}", "world", "hello-world"));
    }

    @Test
    void repeatedAndAdjacentPlaceholders() {
        assertEquals("/a/b/a?x=ba", SlotPaths.expand("/{section}/{slug}/{section}?x={slug}{section}", "a", "b"));
    }

    @Test
    void pathWithoutPlaceholdersIsReturnedAsIs() {
        String path = "/fragments/teasers?section=world&limit=5&heading=World";
        assertSame(path, SlotPaths.expand(path, "world", null));
    }

    @Test
    void otherBracesAreLeftAlone() {
        assertEquals("/x/{other}/s?q={", SlotPaths.expand("/x/{other}/{slug}?q={", "w", "s"));
    }

    @Test
    void valuesAreUrlEncodedSoTheyCannotAddSegmentsOrParameters() {
        assertEquals("/f/a%2Fb%3Fc%3D1%26d%20e?section=%C3%A9", SlotPaths.expand("/f/{slug}?section={section}", "é", "a/b?c=1&d e"));
    }

    @Test
    void missingValueBecomesEmpty() {
        assertEquals("/f/?section=", SlotPaths.expand("/f/{slug}?section={section}", null, null));
    }
}
