package io.manchete.gateway.cache;

import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.page.CacheControl;

import java.util.Map;

/**
 * A layout or fragment as page assembly gets it from the {@link FragmentCache}: the upstream answer
 * (fetched now or cached) and what the page needs to be cached in turn.
 *
 * @param maxAge               seconds of freshness left; {@code -1} when the upstream gave no freshness
 * @param staleWhileRevalidate from the upstream's {@code Cache-Control} (0 when absent)
 * @param staleIfError         from the upstream's {@code Cache-Control} (0 when absent)
 * @param versions             tag → version the answer was built from (read before its fetch);
 *                             {@code null} when the versions are not known, so a page made with it
 *                             must not be stored
 * @param personal             {@code private}, {@code no-store} or {@code Set-Cookie}: never stored
 * @param cache                how the fragment cache answered: hit, miss, coalesced, bypass
 * @param failedFetch          set when this is the last good copy standing in for a fetch that failed
 *                             (stale-if-error): what that fetch gave; {@code null} otherwise
 */
public record Part(FragmentResult result, int maxAge, int staleWhileRevalidate, int staleIfError,
                   Map<String, String> versions, boolean personal, CacheResult cache, FragmentResult failedFetch) {

    public Part(FragmentResult result, int maxAge, int staleWhileRevalidate, int staleIfError,
                Map<String, String> versions, boolean personal, CacheResult cache) {
        this(result, maxAge, staleWhileRevalidate, staleIfError, versions, personal, cache, null);
    }

    /** May be part of a stored page. */
    public boolean cacheable() {
        return versions != null && !personal;
    }

    /** The last good copy, served because the fetch failed (stale-if-error). */
    public boolean stale() {
        return failedFetch != null;
    }

    public Part withCache(CacheResult newCache) {
        return new Part(result, maxAge, staleWhileRevalidate, staleIfError, versions, personal, newCache, failedFetch);
    }

    /** A fresh upstream answer, its freshness read from its {@code Cache-Control}. */
    public static Part fetched(FragmentResult result, Map<String, String> versions, CacheResult cache) {
        CacheControl control = CacheControl.parse(result.cacheControl());
        boolean personal = control.noStore() || control.isPrivate() || result.setCookie();
        return new Part(result, clamp(control.sharedMaxAge(-1)), clamp(Math.max(0, control.seconds("stale-while-revalidate"))),
                clamp(Math.max(0, control.seconds("stale-if-error"))), versions, personal, cache);
    }

    private static int clamp(long seconds) {
        return (int) Math.max(-1, Math.min(Integer.MAX_VALUE, seconds));
    }
}
