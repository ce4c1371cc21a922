package io.manchete.comments.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CursorTest {
    private static String b64(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripsMicrosecondTimestampsAndIds() {
        Cursor cursor = new Cursor(Instant.parse("2024-05-01T12:30:45.123456Z"), 42);
        assertEquals(cursor, Cursor.decode(cursor.encode()).orElseThrow());
    }

    @Test
    void roundTripsBeforeTheEpochAndLargeIds() {
        Cursor cursor = new Cursor(Instant.parse("1969-12-31T23:59:59.999999Z"), Long.MAX_VALUE);
        assertEquals(cursor, Cursor.decode(cursor.encode()).orElseThrow());
    }

    @Test
    void isOpaqueUrlSafeText() {
        String text = new Cursor(Instant.parse("2024-05-01T12:30:45.123456Z"), 7).encode();
        assertTrue(text.matches("[A-Za-z0-9_-]+"), text);
        assertFalse(text.contains("2024"), text);
        assertEquals("v1:1714566645123456:7", new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "!!!", "not base64 at all", "djE6MTIz", "=====", "AAAA"})
    void rejectsTextItDidNotMake(String text) {
        assertTrue(Cursor.decode(text).isEmpty(), text);
    }

    @Test
    void rejectsWellEncodedButWrongContent() {
        assertTrue(Cursor.decode(b64("v2:1:1")).isEmpty());
        assertTrue(Cursor.decode(b64("v1:abc:1")).isEmpty());
        assertTrue(Cursor.decode(b64("v1:1:0")).isEmpty());
        assertTrue(Cursor.decode(b64("v1:1:-5")).isEmpty());
        assertTrue(Cursor.decode(b64("v1:1:99999999999999999999")).isEmpty());
        assertTrue(Cursor.decode(b64("v1:1")).isEmpty());
        assertTrue(Cursor.decode(b64("v1:1:2:3")).isEmpty());
    }

    @Test
    void rejectsNullAndOverlongText() {
        assertTrue(Cursor.decode(null).isEmpty());
        assertTrue(Cursor.decode("A".repeat(200)).isEmpty());
    }

    @Test
    void acceptsOnlyPositiveIds() {
        assertThrows(IllegalArgumentException.class, () -> new Cursor(Instant.EPOCH, 0));
        assertThrows(IllegalArgumentException.class, () -> new Cursor(null, 1));
    }
}
