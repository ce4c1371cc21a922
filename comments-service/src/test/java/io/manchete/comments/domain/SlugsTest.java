package io.manchete.comments.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlugsTest {
    @Test
    void followsTheContractPattern() {
        assertTrue(Slugs.valid("a"));
        assertTrue(Slugs.valid("world-cup-2026"));
        assertTrue(Slugs.valid("a".repeat(160)));
        assertFalse(Slugs.valid("a".repeat(161)));
        assertFalse(Slugs.valid(""));
        assertFalse(Slugs.valid(null));
        assertFalse(Slugs.valid("-a"));
        assertFalse(Slugs.valid("a--b"));
        assertFalse(Slugs.valid("a-"));
        assertFalse(Slugs.valid("World"));
        assertFalse(Slugs.valid("a b"));
        assertFalse(Slugs.valid("a/b"));
    }
}
