package io.manchete.gateway.cache;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheEntryTest {
    static final long T0 = 1_700_000_000_000L;

    static CacheEntry sample() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("shell", "0.1a");
        versions.put("article:é", "1700000000000.ff");
        return CacheEntry.create(200, T0, 60, 30, 86400, "text/html;charset=UTF-8", "\"abc\"", "Título",
                versions, "<p>olá</p>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTrip() {
        CacheEntry entry = CacheEntry.decode(sample().encoded());
        assertEquals(200, entry.status());
        assertEquals(T0, entry.storedAt());
        assertEquals(60, entry.maxAge());
        assertEquals(30, entry.staleWhileRevalidate());
        assertEquals(86400, entry.staleIfError());
        assertEquals("text/html;charset=UTF-8", entry.contentType());
        assertEquals("\"abc\"", entry.etag());
        assertEquals("Título", entry.title());
        assertEquals("shell article:é", entry.surrogateKey());
        assertEquals(2, entry.tagCount());
        assertEquals("article:é", entry.tag(1));
        assertEquals("1700000000000.ff", entry.version(1));
        assertEquals("<p>olá</p>", entry.bodyString());
        assertArrayEquals("<p>olá</p>".getBytes(StandardCharsets.UTF_8), entry.body().getBytes());
    }

    @Test
    void theBodyTextIsDecodedOncePerEntry() {
        CacheEntry entry = CacheEntry.decode(sample().encoded());
        String first = entry.bodyString();
        assertTrue(first == entry.bodyString(), "the same text, not a copy decoded again");
        assertTrue(first != CacheEntry.decode(sample().encoded()).bodyString(), "another entry decodes its own");
    }

    @Test
    void emptyFieldsAndNoTags() {
        CacheEntry entry = CacheEntry.decode(CacheEntry.create(404, T0, 10, 0, 0, null, null, null, Map.of(),
                new byte[0]).encoded());
        assertNull(entry.etag());
        assertNull(entry.title());
        assertEquals("", entry.surrogateKey());
        assertEquals(0, entry.tagCount());
        assertEquals("", entry.bodyString());
    }

    @Test
    void somethingElseIsNotAnEntry() {
        assertNull(CacheEntry.decode(null));
        assertNull(CacheEntry.decode(new byte[0]));
        assertNull(CacheEntry.decode("{\"json\":true}".getBytes(StandardCharsets.UTF_8)));
        byte[] raw = sample().encoded();
        byte[] truncated = java.util.Arrays.copyOf(raw, raw.length - 3);
        assertNull(CacheEntry.decode(truncated));
        assertNull(CacheEntry.decode(java.util.Arrays.copyOf(raw, 20)));
    }

    @Test
    void freshnessWindows() {
        CacheEntry entry = sample(); // max-age 60, swr 30, sie 86400
        assertTrue(entry.fresh(T0 + 59_999));
        assertFalse(entry.revalidatable(T0 + 59_999));
        assertFalse(entry.fresh(T0 + 60_000));
        assertTrue(entry.revalidatable(T0 + 60_000));
        assertTrue(entry.revalidatable(T0 + 89_999));
        assertFalse(entry.revalidatable(T0 + 90_000));
        assertTrue(entry.usableOnError(T0 + 86_000_000));
        assertEquals(60, entry.remainingSeconds(T0 + 999));
        assertEquals(59, entry.remainingSeconds(T0 + 1000));
        assertEquals(-5, entry.remainingSeconds(T0 + 65_000));
        assertEquals(0, entry.ageMillis(T0 - 5)); // clocks differ a little between gateways
        assertEquals(60 + 3600, entry.lifespanSeconds(3600)); // stale-if-error capped by the retention
        assertEquals(60 + 30, entry.lifespanSeconds(10));
    }

    @Test
    void tooLongFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CacheEntry.create(200, T0, 1, 0, 0, null, "x".repeat(70_000),
                null, Map.of(), new byte[0]));
    }
}
