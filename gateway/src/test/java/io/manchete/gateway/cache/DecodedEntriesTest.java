package io.manchete.gateway.cache;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecodedEntriesTest {

    private static byte[] stored(String body) {
        return CacheEntry.create(200, System.currentTimeMillis(), 60, 0, 0, "text/html", null, null,
                Map.of("article:" + body, "0.1"), body.getBytes()).encoded();
    }

    @Test
    void anArrayIsDecodedOnceAndFoundByIdentity() {
        DecodedEntries table = new DecodedEntries(64);
        byte[] raw = stored("a");
        CacheEntry first = table.get(raw);
        assertEquals("a", first.bodyString());
        assertSame(first, table.get(raw));
        assertNotSame(first, table.get(raw.clone()), "an equal array is another array");
        assertNull(table.get(null));
    }

    @Test
    void aPageThatIsReadStaysWhileColdOnesPassThrough() {
        // a small table, so that the cold arrays keep landing on the hot one's slots
        DecodedEntries table = new DecodedEntries(16);
        byte[] hot = stored("hot");
        CacheEntry entry = table.get(hot);
        assertSame(entry, table.get(hot)); // read since it was placed
        for (int i = 0; i < 10_000; i++) {
            table.get(stored("cold-" + i));
            assertSame(entry, table.get(hot), "after " + i + " cold pages");
        }
    }

    @Test
    void theSizeIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new DecodedEntries(1000));
        assertThrows(IllegalArgumentException.class, () -> new DecodedEntries(1));
    }
}
