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
        CacheEntry first = table.get("a", raw, 1);
        assertEquals("a", first.bodyString());
        assertSame(first, table.get("a", raw, 1));
        assertSame(first, table.get("a", raw, 2), "a later read of the same array");
        assertNotSame(first, table.get("a", raw.clone(), 3), "an equal array is another array");
        assertNull(table.get("a", null, 4));
    }

    @Test
    void anEntryIsKnownOnlyUnderTheStampOfItsLastRead() {
        DecodedEntries table = new DecodedEntries(64);
        byte[] raw = stored("a");
        assertNull(table.known("a", 7), "never read");
        CacheEntry entry = table.get("a", raw, 7);
        assertSame(entry, table.known("a", 7));
        assertNull(table.known("a", 8), "the key's counter moved: read the near cache again");
        assertNull(table.known("b", 7), "another key");
        assertNull(table.known("a", NearCacheChanges.NONE), "no stamps, nothing known");
        assertSame(entry, table.get("a", raw, 8), "read again: the same array, the same entry");
        assertSame(entry, table.known("a", 8));
        assertNull(table.known("a", 7));

        // the page changed in the near cache: the new array replaces the old copy of the key
        byte[] changed = stored("a2");
        CacheEntry newer = table.get("a", changed, 9);
        assertNotSame(entry, newer);
        assertSame(newer, table.known("a", 9));
        assertEquals("a2", table.known("a", 9).bodyString());
    }

    @Test
    void noStampMeansNothingIsEverKnown() {
        DecodedEntries table = new DecodedEntries(64);
        CacheEntry entry = table.get("a", stored("a"), NearCacheChanges.NONE);
        assertEquals("a", entry.bodyString());
        assertNull(table.known("a", NearCacheChanges.NONE));
    }

    @Test
    void aPageThatIsReadStaysWhileColdOnesPassThrough() {
        // a small table, so that the cold pages keep landing on the hot one's slots
        DecodedEntries table = new DecodedEntries(16);
        byte[] hot = stored("hot");
        CacheEntry entry = table.get("hot", hot, 1);
        assertSame(entry, table.known("hot", 1)); // read since it was placed
        for (int i = 0; i < 10_000; i++) {
            table.get("cold-" + i, stored("cold-" + i), 1);
            assertSame(entry, table.known("hot", 1), "after " + i + " cold pages");
        }
    }

    @Test
    void theSizeIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new DecodedEntries(1000));
        assertThrows(IllegalArgumentException.class, () -> new DecodedEntries(1));
    }
}
