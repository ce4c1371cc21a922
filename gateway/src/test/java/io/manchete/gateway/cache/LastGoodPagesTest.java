package io.manchete.gateway.cache;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's in-memory last good pages: what is kept, for how long it may stand in, how many. */
class LastGoodPagesTest {
    private static final long NOW = 1_800_000_000_000L;

    private static CacheEntry page(int status, long storedAt, int maxAge, int staleIfError, String body) {
        return CacheEntry.create(status, storedAt, maxAge, 5, staleIfError, "text/html;charset=UTF-8", "\"e\"", null,
                Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheNewest200OfEachPage() {
        LastGoodPages pages = new LastGoodPages(10, 3600);
        CacheEntry older = page(200, NOW - 20_000, 30, 86400, "old");
        CacheEntry newer = page(200, NOW - 10_000, 30, 86400, "new");
        pages.remember("a", newer);
        pages.remember("a", older);
        assertSame(newer, pages.usable("a", NOW));
        // an entry is one page's: page "c" has instances of its own
        CacheEntry olderC = page(200, NOW - 20_000, 30, 86400, "old");
        CacheEntry newerC = page(200, NOW - 10_000, 30, 86400, "new");
        pages.remember("c", olderC);
        pages.remember("c", newerC);
        pages.remember("c", olderC); // kept once, replaced since: still older than what is held
        assertSame(newerC, pages.usable("c", NOW));
        pages.remember("b", page(404, NOW, 10, 0, "missing"));
        assertNull(pages.usable("b", NOW), "only 200 pages stand in");
    }

    @Test
    void standsInOnlyInsideItsStaleIfErrorWindowCappedByTheStaleRetention() {
        LastGoodPages pages = new LastGoodPages(10, 60);
        pages.remember("a", page(200, NOW, 30, 86400, "page"));
        assertTrue(pages.usable("a", NOW + 89_000) != null, "max-age 30 s + at most 60 s of stale retention");
        assertNull(pages.usable("a", NOW + 91_000));
        pages.remember("b", page(200, NOW, 30, 0, "no stale-if-error"));
        assertNull(pages.usable("b", NOW + 31_000));
    }

    @Test
    void holdsAtMostItsBoundAndEmptiesOnClear() {
        LastGoodPages pages = new LastGoodPages(20, 3600);
        for (int i = 0; i < 100; i++) {
            pages.remember("p" + i, page(200, NOW, 30, 86400, "page " + i));
        }
        assertTrue(pages.size() <= 20, "held " + pages.size());
        pages.clear();
        assertEquals(0, pages.size());
    }

    @Test
    void aCopyDroppedByTheBoundOrByClearIsKeptAgainWhenServedAgain() {
        LastGoodPages pages = new LastGoodPages(1, 3600);
        CacheEntry a = page(200, NOW, 30, 86400, "a");
        pages.remember("a", a);
        pages.remember("a", a); // the same instance again: no look-up, still kept
        assertSame(a, pages.usable("a", NOW));
        pages.remember("b", page(200, NOW, 30, 86400, "b")); // over the bound of 1: trimmed
        assertNull(pages.usable("a", NOW), "dropped by the bound");
        pages.remember("a", a);
        assertSame(a, pages.usable("a", NOW), "kept again when served again");
        pages.clear();
        pages.remember("a", a);
        assertSame(a, pages.usable("a", NOW), "kept again after clear");
    }

    @Test
    void theSamePageDecodedAgainTakesThePlaceOfItsTwinButNotOfANewerCopy() {
        LastGoodPages pages = new LastGoodPages(10, 3600);
        CacheEntry first = page(200, NOW, 30, 86400, "a");
        pages.remember("a", first);
        CacheEntry twin = page(200, NOW, 30, 86400, "a");
        pages.remember("a", twin);
        assertSame(twin, pages.usable("a", NOW), "the instance being served is the one kept (and marked)");
        assertTrue(twin.keptAsLastGood());
        assertFalse(first.keptAsLastGood(), "the twin's mark is taken off");
        pages.remember("a", page(200, NOW - 1_000, 30, 86400, "older"));
        assertSame(twin, pages.usable("a", NOW), "an older copy does not replace a newer one");
    }
}
