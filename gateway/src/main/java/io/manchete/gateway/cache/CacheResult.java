package io.manchete.gateway.cache;

import java.util.Locale;

/** How a cache answered a request, as counted in {@code manchete.page.cache} and {@code manchete.fragment.cache}. */
public enum CacheResult {
    /** Fresh and current: served from the cache. */
    HIT,
    /** Absent, expired or purged: built (fetched) now by this request. */
    MISS,
    /** Past max-age: served at once while it is refreshed (stale-while-revalidate), or as the last good copy (stale-if-error). */
    STALE,
    /** Joined the build (fetch) another request for the same key had in flight. */
    COALESCED,
    /** The cache was not used: page cache disabled, request with Authorization or no-store, Infinispan unavailable. */
    BYPASS;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
        return tag;
    }
}
