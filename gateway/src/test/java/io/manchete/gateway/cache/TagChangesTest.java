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

/** The counters behind a page's "none of my tags moved since I was found current". */
class TagChangesTest {

    private static final String MINE = "article:a-story";
    private static final String OTHER = "article:another-story";

    private static CacheEntry page() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("shell", "0.1");
        versions.put(MINE, "0.2");
        return CacheEntry.create(200, System.currentTimeMillis(), 60, 0, 0, "text/html", null, null, versions, new byte[0]);
    }

    private static MetadataValue<String> value(String v) {
        return new MetadataValueImpl<>(0, 0, 0, 0, 1, v);
    }

    @Test
    void noStampsWithoutACountedNearCache() {
        assertEquals(TagChanges.NONE, new TagChanges.Counts().stamp(page()));
    }

    @Test
    void theStampMovesWhenATagOfTheEntryChangesAndOnlyThen() {
        assertNotEquals(TagChanges.stripe(MINE), TagChanges.stripe(OTHER), "the test needs two stripes");
        assertNotEquals(TagChanges.stripe("shell"), TagChanges.stripe(OTHER), "the test needs two stripes");
        TagChanges.Counts counts = new TagChanges.Counts();
        NearCache<String, String> near = counts.counted(new MapNearCache());
        CacheEntry page = page();
        long stamp = counts.stamp(page);
        assertNotEquals(TagChanges.NONE, stamp);

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
        TagChanges.Counts counts = new TagChanges.Counts();
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
        TagChanges.Counts counts = new TagChanges.Counts();
        NearCache<Object, String> near = counts.counted(new ObjectNearCache());
        assertTrue(counts.active());
        near.remove(new byte[] {1, 2});
        assertEquals(TagChanges.NONE, counts.stamp(page()));
        near.remove("shell");
        assertEquals(TagChanges.NONE, counts.stamp(page()));
    }

    @Test
    void aNewNearCacheVoidsEveryStamp() {
        TagChanges.Counts counts = new TagChanges.Counts();
        counts.counted(new MapNearCache());
        CacheEntry page = page();
        long stamp = counts.stamp(page);
        assertNotNull(counts.counted(new MapNearCache()));
        assertTrue(counts.stamp(page) > stamp);
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
