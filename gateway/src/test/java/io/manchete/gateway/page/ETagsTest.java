package io.manchete.gateway.page;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ETagsTest {

    @Test
    void strongTagIsTheStartOfTheSha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertEquals("\"ba7816bf8f01cfea\"", ETags.strong("abc".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(ETags.strong("a".getBytes(StandardCharsets.UTF_8)), ETags.strong("b".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void ifNoneMatch() {
        String tag = "\"0123456789abcdef\"";
        assertTrue(ETags.matches(tag, tag));
        assertTrue(ETags.matches("W/" + tag, tag));
        assertTrue(ETags.matches("\"x\", " + tag, tag));
        assertTrue(ETags.matches("\"x\",W/" + tag + " ,\"y\"", tag));
        assertTrue(ETags.matches("*", tag));
        assertFalse(ETags.matches("\"x\"", tag));
        assertFalse(ETags.matches("\"0123456789abcde\"", tag));
        assertFalse(ETags.matches("\"0123456789abcdef0\"", tag));
        assertFalse(ETags.matches("0123456789abcdef", tag));
        assertFalse(ETags.matches(null, tag));
        assertFalse(ETags.matches("\"unterminated", tag));
        assertFalse(ETags.matches("", tag));
    }
}
