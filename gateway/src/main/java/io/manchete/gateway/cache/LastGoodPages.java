package io.manchete.gateway.cache;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last good copy (a 200) of each page this gateway served, kept in its own memory: the
 * stale-if-error copy of last resort for when Infinispan is unavailable — the page cache's copies are
 * out of reach then, and every page is composed from the services — and composing a page fails
 * (an upstream down or over its budget). A copy is used only as long as a page-cache copy would
 * be: inside its {@code max-age + stale-if-error}, the stale part capped by
 * {@code manchete.page-cache.stale-retention}. Emptied with the other caches
 * ({@link GatewayCaches#clear()}).
 *
 * <p>Bounded: at most {@code maxEntries} pages (the same number the page near cache holds); beyond
 * that, arbitrary entries are dropped. The entries share their bytes with the page cache's, so the
 * pages also in the near cache cost nothing extra.
 */
public final class LastGoodPages {
    private final int maxEntries;
    private final long staleRetentionSeconds;
    private final ConcurrentHashMap<String, CacheEntry> pages = new ConcurrentHashMap<>();

    public LastGoodPages(int maxEntries, long staleRetentionSeconds) {
        this.maxEntries = Math.max(0, maxEntries);
        this.staleRetentionSeconds = Math.max(0, staleRetentionSeconds);
    }

    /**
     * Keeps {@code entry} for {@code key} if it is a 200 and newer than the copy held. An instance
     * kept already costs no map look-up (every page-cache hit calls this; see
     * {@link CacheEntry#keptAsLastGood()}), so an entry instance must be one page's: the page cache
     * stores one per key, and a build is shared only by requests for the same key.
     */
    public void remember(String key, CacheEntry entry) {
        if (maxEntries == 0 || entry == null || entry.status() != 200 || entry.keptAsLastGood()) {
            return;
        }
        CacheEntry held = pages.get(key);
        if (held == entry || (held != null && held.storedAt() > entry.storedAt())) {
            return;
        }
        // a copy of the same age (the same page decoded again) takes its place, so that this
        // instance is marked and its next hits skip the look-up
        pages.put(key, entry);
        entry.keptAsLastGood(true);
        if (held != null) {
            held.keptAsLastGood(false);
        }
        if (pages.size() > maxEntries) {
            trim();
        }
    }

    /** The copy for {@code key} if it may still stand in for a failed page, else null. */
    public CacheEntry usable(String key, long now) {
        CacheEntry held = pages.get(key);
        if (held == null) {
            return null;
        }
        long window = held.maxAge() + Math.min((long) held.staleIfError(), staleRetentionSeconds);
        return held.ageMillis(now) < window * 1000L ? held : null;
    }

    public void clear() {
        pages.values().forEach(entry -> entry.keptAsLastGood(false));
        pages.clear();
    }

    public int size() {
        return pages.size();
    }

    private void trim() {
        int target = Math.max(0, maxEntries - Math.max(1, maxEntries / 10));
        Iterator<CacheEntry> entries = pages.values().iterator();
        while (pages.size() > target && entries.hasNext()) {
            entries.next().keptAsLastGood(false);
            entries.remove();
        }
    }
}
