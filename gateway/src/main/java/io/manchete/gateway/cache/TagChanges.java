package io.manchete.gateway.cache;

import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.configuration.NearCacheConfiguration;
import org.infinispan.client.hotrod.near.DefaultNearCacheFactory;
import org.infinispan.client.hotrod.near.NearCache;
import org.infinispan.client.hotrod.near.NearCacheFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;

/**
 * Counts the changes of this process' near cache of tag versions ({@code gateway-tags}), so that a
 * page or fragment whose tags were all found current is not looked up again, tag by tag, until one
 * of them may have changed: on a page-cache hit those look-ups (four near-cache reads for an
 * article) were a seventh of the gateway's CPU (bench (a), JFR).
 *
 * <p>Hot Rod makes that near cache through this factory (set by {@link GatewayCaches} before the
 * cache is first obtained); it is Hot Rod's own near cache, wrapped. Every change
 * to it (an invalidation pushed by the server, this client's own write, a value read from the
 * server and kept, a clear after a fail-over) increments the counter of the tag's stripe
 * ({@value #STRIPES} stripes by the tag's hash), <em>after</em> the change. A check records the sum
 * of its tags' counters read <em>before</em> it looked at their versions ({@link #stamp}); the
 * counters only grow, so the same sum later means that none of those stripes changed since, and
 * the near cache still answers what the check saw. Anything unexpected (a key that is not a
 * {@code String}) turns the stamps off for good: then every check looks every tag up, as before.
 *
 * <p>The near cache itself is what keeps the versions true to the server (invalidations within
 * milliseconds, cleared when its listener fails over); the stamps only remember that nothing moved
 * there since the last look. One difference remains: while its listener's connection is lost, Hot
 * Rod's near cache answers nothing (every read goes to the server), but a stamp still vouches for the
 * versions it saw, until the listener is registered again and the near cache is cleared. A page read
 * from a near cache in the same state comes from the server as a new array, hence a new entry without
 * a stamp; only a page whose own listener stayed connected while the tags' one dropped is answered
 * from its stamp for that moment.
 */
public final class TagChanges implements NearCacheFactory {
    static final int STRIPES = 1 << 12;
    /** No stamp: the stamps are off, or the entry was never found current. */
    public static final long NONE = Long.MIN_VALUE;
    /** This process' counters (the near cache is made inside Hot Rod, out of CDI's reach). */
    static final Counts COUNTS = new Counts();

    public TagChanges() {
    }

    @Override
    public <K, V> NearCache<K, V> createNearCache(NearCacheConfiguration config, BiConsumer<K, MetadataValue<V>> removed) {
        return COUNTS.counted(DefaultNearCacheFactory.INSTANCE.createNearCache(config, removed));
    }

    /**
     * The sum of the counters of {@code entry}'s tags' stripes, to be read before the check it
     * stamps; {@link #NONE} when the stamps are off.
     */
    public static long stamp(CacheEntry entry) {
        return COUNTS.stamp(entry);
    }

    /** Whether the tag versions are read through a near cache counted here. */
    public static boolean active() {
        return COUNTS.active();
    }

    static int stripe(String tag) {
        int h = tag.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** The counters, one per stripe of tags, and whether they can be trusted. */
    static final class Counts {
        private final AtomicLongArray counts = new AtomicLongArray(STRIPES);
        private volatile boolean active;
        private volatile boolean broken;

        <K, V> NearCache<K, V> counted(NearCache<K, V> cache) {
            changedAll(); // a new near cache: whatever an older one showed is void
            active = true;
            return new Counted<>(cache, this);
        }

        boolean active() {
            return active && !broken;
        }

        long stamp(CacheEntry entry) {
            if (!active()) {
                return NONE;
            }
            long sum = 0;
            for (int i = 0, n = entry.tagCount(); i < n; i++) {
                sum += counts.get(stripe(entry.tag(i)));
            }
            return sum;
        }

        void changed(Object key) {
            if (key instanceof String tag) {
                counts.incrementAndGet(stripe(tag));
            } else {
                broken = true; // keys are tags, always; with anything else the stripes mean nothing
                changedAll();
            }
        }

        void changedAll() {
            for (int i = 0; i < STRIPES; i++) {
                counts.incrementAndGet(i);
            }
        }
    }

    /** Hot Rod's near cache, counting its changes (after making them). */
    static final class Counted<K, V> implements NearCache<K, V> {
        private final NearCache<K, V> cache;
        private final Counts counts;

        Counted(NearCache<K, V> cache, Counts counts) {
            this.cache = cache;
            this.counts = counts;
        }

        @Override
        public boolean putIfAbsent(K key, MetadataValue<V> value) {
            return counted(cache.putIfAbsent(key, value), key);
        }

        @Override
        public boolean replace(K key, MetadataValue<V> previous, MetadataValue<V> value) {
            return counted(cache.replace(key, previous, value), key);
        }

        @Override
        public boolean remove(K key) {
            return counted(cache.remove(key), key);
        }

        @Override
        public boolean remove(K key, MetadataValue<V> value) {
            return counted(cache.remove(key, value), key);
        }

        /** Counts a change of {@code key}, made already (the argument is evaluated first). */
        private boolean counted(boolean result, K key) {
            counts.changed(key);
            return result;
        }

        @Override
        public MetadataValue<V> get(K key) {
            return cache.get(key);
        }

        @Override
        public void clear() {
            cache.clear();
            counts.changedAll();
        }

        @Override
        public int size() {
            return cache.size();
        }

        @Override
        public Iterator<Map.Entry<K, MetadataValue<V>>> iterator() {
            return cache.iterator();
        }
    }
}
