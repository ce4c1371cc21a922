package io.manchete.content.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreconditionsTest {
    @Test
    void theEntityTagIsTheQuotedVersion() {
        assertEquals("\"7\"", Preconditions.etag(7));
    }

    @Test
    void ifMatchNamesTheVersion() {
        assertTrue(Preconditions.ifMatch("\"3\"", 3));
        assertTrue(Preconditions.ifMatch("\"1\", \"3\"", 3));
        assertTrue(Preconditions.ifMatch("3", 3));
        assertTrue(Preconditions.ifMatch("*", 3));
    }

    @Test
    void otherVersionsWeakTagsAndGarbageDoNotMatch() {
        assertFalse(Preconditions.ifMatch("\"2\"", 3));
        assertFalse(Preconditions.ifMatch("W/\"3\"", 3));
        assertFalse(Preconditions.ifMatch("\"33\"", 3));
        assertFalse(Preconditions.ifMatch("", 3));
        assertFalse(Preconditions.ifMatch(null, 3));
    }
}
