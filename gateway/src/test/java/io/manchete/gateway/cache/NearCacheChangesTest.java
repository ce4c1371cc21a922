package io.manchete.gateway.cache;

import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.impl.MetadataValueImpl;
import org.infinispan.client.hotrod.near.NearCache;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counters behind "nothing I read moved since": a page known unread, and a page whose tags were
 * all found current.
 */
class NearCacheChangesTest {

    private static final String MINE = "article:a-story";
    private static final String OTHER = "article:another-story";

    private static CacheEntry page() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("shell", "0.1");
        versions.put(MINE, "0.2");
        return CacheEntry.create(200, System.currentTimeMillis(), 60, 0, 0, "text/html", null, null, versions, new byte[0]);
    }

    /** Counters whose near cache's listener is connected (the listener itself is Hot Rod's). */
    private static NearCacheChanges listening() {
        NearCacheChanges changes = new NearCacheChanges("tags");
        changes.watch(() -> true);
        return changes;
    }

    private static MetadataValue<String> value(String v) {
        return new MetadataValueImpl<>(0, 0, 0, 0, 1, v);
    }

    @Test
    void noStampsWithoutACountedNearCache() {
        assertEquals(NearCacheChanges.NONE, new NearCacheChanges("tags").stamp(page()));
    }

    @Test
    void theStampMovesWhenATagOfTheEntryChangesAndOnlyThen() {
        assertNotEquals(NearCacheChanges.stripe(MINE), NearCacheChanges.stripe(OTHER), "the test needs two stripes");
        assertNotEquals(NearCacheChanges.stripe("shell"), NearCacheChanges.stripe(OTHER), "the test needs two stripes");
        NearCacheChanges counts = listening();
        NearCache<String, String> near = counts.counted(new MapNearCache());
        CacheEntry page = page();
        long stamp = counts.stamp(page);
        assertNotEquals(NearCacheChanges.NONE, stamp);

        near.get(MINE);
        near.remove(OTHER);
        near.putIfAbsent(OTHER, value("1.x"));
        assertEquals(stamp, counts.stamp(page), "reads and other tags leave it alone");

        near.remove(MINE); // the server's invalidation of a purged tag
        long afterRemove = counts.stamp(page);
        assertTrue(afterRemove > stamp);
        near.putIfAbsent(MINE, value("2.x")); // the new version, read from the server and kept
        long afterPut = counts.stamp(page);
        assertTrue(afterPut > afterRemove);
        near.replace("shell", value("0.1"), value("3.x"));
        long afterReplace = counts.stamp(page);
        assertTrue(afterReplace > afterPut);
        near.remove(MINE, value("2.x"));
        long afterConditionalRemove = counts.stamp(page);
        assertTrue(afterConditionalRemove > afterReplace);
        near.clear(); // a fail-over
        assertTrue(counts.stamp(page) > afterConditionalRemove);
    }

    @Test
    void theCountMovesAfterTheChangeNotBefore() {
        NearCacheChanges counts = listening();
        CacheEntry page = page();
        long[] seenDuringRemove = {0};
        MapNearCache inner = new MapNearCache() {
            @Override
            public boolean remove(String key) {
                seenDuringRemove[0] = counts.stamp(page);
                return super.remove(key);
            }
        };
        NearCache<String, String> near = counts.counted(inner);
        long before = counts.stamp(page);
        near.remove(MINE);
        // a check that read the count while the version was still there must not keep its stamp
        assertEquals(before, seenDuringRemove[0]);
        assertTrue(counts.stamp(page) > before);
    }

    @Test
    void aKeyThatIsNotATagTurnsTheStampsOffForGood() {
        NearCacheChanges counts = listening();
        NearCache<Object, String> near = counts.counted(new ObjectNearCache());
        assertTrue(counts.usable());
        near.remove(new byte[] {1, 2});
        assertEquals(NearCacheChanges.NONE, counts.stamp(page()));
        near.remove("shell");
        assertEquals(NearCacheChanges.NONE, counts.stamp(page()));
    }

    @Test
    void aNewNearCacheVoidsEveryStamp() {
        NearCacheChanges counts = listening();
        counts.counted(new MapNearCache());
        CacheEntry page = page();
        long stamp = counts.stamp(page);
        assertNotNull(counts.counted(new MapNearCache()));
        assertTrue(counts.stamp(page) > stamp);
    }

    @Test
    void aKeysStampMovesWithThatKeyAndOnlyThen() {
        assertNotEquals(NearCacheChanges.stripe(MINE), NearCacheChanges.stripe(OTHER), "the test needs two stripes");
        NearCacheChanges counts = listening();
        NearCache<String, String> near = counts.counted(new MapNearCache());
        long stamp = counts.stamp(MINE);
        assertNotEquals(NearCacheChanges.NONE, stamp);
        near.get(MINE);
        near.putIfAbsent(OTHER, value("x"));
        assertEquals(stamp, counts.stamp(MINE));
        near.putIfAbsent(MINE, value("y"));
        assertTrue(counts.stamp(MINE) > stamp);
    }

    @Test
    void noStampsWhileTheListenerIsDisconnected() {
        NearCacheChanges counts = new NearCacheChanges("pages");
        counts.counted(new MapNearCache());
        assertEquals(NearCacheChanges.NONE, counts.stamp(MINE), "never watched");
        boolean[] connected = {true};
        counts.watch(() -> connected[0]);
        long stamp = counts.stamp(MINE);
        assertNotEquals(NearCacheChanges.NONE, stamp);
        connected[0] = false; // Hot Rod's near cache answers nothing now: neither may a stamp
        assertEquals(NearCacheChanges.NONE, counts.stamp(MINE));
        assertEquals(NearCacheChanges.NONE, counts.stamp(page()));
        connected[0] = true;
        assertEquals(stamp, counts.stamp(MINE));
        counts.watch((Object) "not a Hot Rod cache");
        assertEquals(NearCacheChanges.NONE, counts.stamp(MINE), "a listener that cannot be watched: no stamps");
    }

    @Test
    void evictionsAreCountedAndABloomFilterTurnsTheStampsOff() {
        NearCacheChanges counts = listening();
        java.util.List<String> evicted = new java.util.concurrent.CopyOnWriteArrayList<>();
        NearCache<String, String> near = counts.createNearCache(
                new org.infinispan.client.hotrod.configuration.NearCacheConfiguration(
                        org.infinispan.client.hotrod.configuration.NearCacheMode.INVALIDATED, 2, false),
                (key, value) -> evicted.add(key));
        assertTrue(counts.usable());
        // a near cache of two entries: most of these are pushed out again (Hot Rod's own Caffeine cache)
        Map<String, Long> afterPut = new ConcurrentHashMap<>();
        for (int i = 0; i < 50; i++) {
            near.putIfAbsent("k" + i, value("v"));
            afterPut.put("k" + i, counts.stamp("k" + i));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !evicted.isEmpty());
        String gone = evicted.get(0);
        assertTrue(counts.stamp(gone) > afterPut.get(gone), "the eviction of " + gone + " moved its stamp");

        NearCacheChanges filtered = listening();
        filtered.createNearCache(new org.infinispan.client.hotrod.configuration.NearCacheConfiguration(
                org.infinispan.client.hotrod.configuration.NearCacheMode.INVALIDATED, 2, true), (k, v) -> { });
        assertEquals(NearCacheChanges.NONE, filtered.stamp(MINE), "with a bloom filter the server may not tell");
    }

    /** A plain map standing in for Hot Rod's near cache (this is a unit test of the counting). */
    private static class MapNearCache implements NearCache<String, String> {
        final Map<String, MetadataValue<String>> map = new ConcurrentHashMap<>();

        @Override
        public boolean putIfAbsent(String key, MetadataValue<String> value) {
            return map.putIfAbsent(key, value) == null;
        }

        @Override
        public boolean replace(String key, MetadataValue<String> previous, MetadataValue<String> value) {
            return map.replace(key, previous, value);
        }

        @Override
        public boolean remove(String key) {
            return map.remove(key) != null;
        }

        @Override
        public boolean remove(String key, MetadataValue<String> value) {
            return map.remove(key, value);
        }

        @Override
        public MetadataValue<String> get(String key) {
            return map.get(key);
        }

        @Override
        public void clear() {
            map.clear();
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public Iterator<Map.Entry<String, MetadataValue<String>>> iterator() {
            return map.entrySet().iterator();
        }
    }

    private static final class ObjectNearCache implements NearCache<Object, String> {
        @Override
        public boolean putIfAbsent(Object key, MetadataValue<String> value) {
            return false;
        }

        @Override
        public boolean replace(Object key, MetadataValue<String> previous, MetadataValue<String> value) {
            return false;
        }

        @Override
        public boolean remove(Object key) {
            return false;
        }

        @Override
        public boolean remove(Object key, MetadataValue<String> value) {
            return false;
        }

        @Override
        public MetadataValue<String> get(Object key) {
            return null;
        }

        @Override
        public void clear() {
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public Iterator<Map.Entry<Object, MetadataValue<String>>> iterator() {
            return java.util.Collections.emptyIterator();
        }
    }
}
