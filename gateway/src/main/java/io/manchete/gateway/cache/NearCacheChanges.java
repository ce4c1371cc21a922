package io.manchete.gateway.cache;

import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.configuration.NearCacheConfiguration;
import org.infinispan.client.hotrod.event.impl.ClientListenerNotifier;
import org.infinispan.client.hotrod.impl.InvalidatedNearRemoteCache;
import org.infinispan.client.hotrod.near.DefaultNearCacheFactory;
import org.infinispan.client.hotrod.near.NearCache;
import org.infinispan.client.hotrod.near.NearCacheFactory;
import org.infinispan.client.hotrod.near.NearCacheService;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Counts the changes of one of this process' near caches, so that what was read from it is not read
 * again while nothing can have changed there: a page-cache hit reads neither the page
 * ({@link #PAGES}: the near cache of {@code gateway-pages}) nor its four tag versions ({@link #TAGS}:
 * {@code gateway-tags}) while their counters stand still. On a hit those near-cache reads (Hot Rod's
 * connectivity check, Caffeine's bookkeeping, a future per read) were a third of the gateway's CPU
 * (bench (a), JFR; docs/performance.md).
 *
 * <p>Hot Rod makes the near cache through this factory (set by {@link GatewayCaches} before the cache
 * is first obtained); it is Hot Rod's own near cache, wrapped. Every change to it (an invalidation
 * pushed by the server, this client's own write, a value read from the server and kept, an entry
 * evicted, a clear after a fail-over) increments the counter of the key's stripe ({@value #STRIPES}
 * stripes by the key's hash), <em>after</em> the change. A reader takes the stamp — the counter of
 * its key, or the sum over a page's tags — <em>before</em> it reads the near cache; the counters only
 * grow, so the same stamp later means that none of those keys changed since, and the near cache
 * still answers what the reader saw.
 *
 * <p>Stamps are given only while all of this holds, otherwise {@link #NONE} (every read goes to the
 * near cache, as before):
 * <ul>
 * <li>the near cache was made here, and only {@code String} keys were seen (anything else turns the
 * stamps off for good);</li>
 * <li>no bloom filter: with one, the server does not tell this client about keys it no longer holds,
 * so an evicted key could change unseen;</li>
 * <li>the near cache's invalidation listener is connected ({@link #watch}). While it is not, Hot
 * Rod's near cache answers nothing (every read goes to the server) and so do the stamps; when it is
 * registered again the near cache is cleared, which moves every counter.</li>
 * </ul>
 */
public final class NearCacheChanges implements NearCacheFactory {
    private static final Logger LOG = Logger.getLogger(NearCacheChanges.class);
    static final int STRIPES = 1 << 16;
    /** No stamp: the stamps are off (see above). */
    public static final long NONE = Long.MIN_VALUE;
    /** The near cache of tag versions: a page's stamp sums its tags' counters. */
    public static final NearCacheChanges TAGS = new NearCacheChanges("gateway-tags");
    /** The near cache of encoded pages: a page's stamp is its key's counter. */
    public static final NearCacheChanges PAGES = new NearCacheChanges("gateway-pages");
    private static final BooleanSupplier NOT_WATCHED = () -> false;

    private final String name;
    private final AtomicLongArray counts = new AtomicLongArray(STRIPES);
    private volatile boolean active;
    private volatile boolean broken;
    private volatile BooleanSupplier listening = NOT_WATCHED;

    NearCacheChanges(String name) {
        this.name = name;
    }

    @Override
    public <K, V> NearCache<K, V> createNearCache(NearCacheConfiguration config, BiConsumer<K, MetadataValue<V>> removed) {
        if (config.bloomFilter()) {
            broken = true;
            return DefaultNearCacheFactory.INSTANCE.createNearCache(config, removed);
        }
        return counted(DefaultNearCacheFactory.INSTANCE.createNearCache(config, (key, value) -> {
            removed.accept(key, value);
            changed(key); // evicted (or expired) inside the near cache
        }));
    }

    /** The stamp of one key: its stripe's counter, or {@link #NONE}. */
    public long stamp(String key) {
        return usable() ? counts.get(stripe(key)) : NONE;
    }

    /** The stamp of {@code entry}'s tags: the sum of their stripes' counters, or {@link #NONE}. */
    public long stamp(CacheEntry entry) {
        if (!usable()) {
            return NONE;
        }
        long sum = 0;
        for (int i = 0, n = entry.tagCount(); i < n; i++) {
            sum += counts.get(stripe(entry.tag(i)));
        }
        return sum;
    }

    /** Whether stamps are given now. */
    public boolean usable() {
        return active && !broken && listening.getAsBoolean();
    }

    /**
     * Watches the invalidation listener of {@code cache}'s near cache (the cache as Hot Rod gives it):
     * stamps are given only while it is connected. Hot Rod keeps that state out of its public API,
     * hence reflection; where it cannot be read (another Hot Rod), the stamps stay off.
     */
    void watch(Object cache) {
        BooleanSupplier connected = listenerOf(cache);
        if (connected == null) {
            broken = true;
            LOG.warnf("Cannot watch the near cache of %s (%s): every hit reads the near cache",
                    name, cache == null ? null : cache.getClass().getName());
        } else {
            listening = connected;
        }
    }

    /** For unit tests of the counting: {@code connected} stands for the listener's state. */
    void watch(BooleanSupplier connected) {
        listening = connected;
    }

    static BooleanSupplier listenerOf(Object cache) {
        if (!(cache instanceof InvalidatedNearRemoteCache<?, ?>)) {
            return null;
        }
        try {
            NearCacheService<?, ?> service = (NearCacheService<?, ?>) field(InvalidatedNearRemoteCache.class, "nearcache").get(cache);
            ClientListenerNotifier notifier = (ClientListenerNotifier) field(NearCacheService.class, "listenerNotifier").get(service);
            if (service == null || notifier == null) {
                return null;
            }
            return () -> {
                byte[] id = service.getListenerId();
                return id != null && notifier.isListenerConnected(id);
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf(e, "Hot Rod's near cache is not where it was expected");
            return null;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    static int stripe(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    <K, V> NearCache<K, V> counted(NearCache<K, V> cache) {
        changedAll(); // a new near cache: whatever an older one showed is void
        active = true;
        return new Counted<>(cache, this);
    }

    void changed(Object key) {
        if (key instanceof String string) {
            counts.incrementAndGet(stripe(string));
        } else {
            broken = true; // keys are strings, always; with anything else the stripes mean nothing
            changedAll();
        }
    }

    void changedAll() {
        for (int i = 0; i < STRIPES; i++) {
            counts.incrementAndGet(i);
        }
    }

    @Override
    public String toString() {
        return "NearCacheChanges{" + name + '}';
    }

    /** Hot Rod's near cache, counting its changes (after making them). */
    static final class Counted<K, V> implements NearCache<K, V> {
        private final NearCache<K, V> cache;
        private final NearCacheChanges changes;

        Counted(NearCache<K, V> cache, NearCacheChanges changes) {
            this.cache = cache;
            this.changes = changes;
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
            changes.changed(key);
            return result;
        }

        @Override
        public MetadataValue<V> get(K key) {
            return cache.get(key);
        }

        @Override
        public void clear() {
            cache.clear();
            changes.changedAll();
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
