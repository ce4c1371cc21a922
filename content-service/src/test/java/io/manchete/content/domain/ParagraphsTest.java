package io.manchete.content.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParagraphsTest {
    @Test
    void splitsOnBlankLines() {
        assertEquals(List.of("One.", "Two.", "Three."), Paragraphs.split("One.\n\nTwo.\n\n\n\nThree."));
    }

    @Test
    void aLineOfWhitespaceIsBlankAndCarriageReturnsAreNormalised() {
        assertEquals(List.of("One.", "Two.", "Three."), Paragraphs.split("One.\r\n  \t\r\nTwo.\r\rThree.\n"));
    }

    @Test
    void aSingleLineBreakStaysInsideTheParagraph() {
        assertEquals(List.of("First line\nsecond line", "Next."), Paragraphs.split("  First line\nsecond line\n\nNext.  "));
    }

    @Test
    void emptyBodiesHaveNoParagraphs() {
        assertEquals(List.of(), Paragraphs.split(null));
        assertEquals(List.of(), Paragraphs.split(" \n\n \n"));
    }
}
