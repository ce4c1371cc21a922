package io.manchete.gateway.web;

import io.manchete.gateway.cache.CacheEntry;
import io.manchete.gateway.cache.CacheResult;
import io.manchete.gateway.cache.Coalescer;
import io.manchete.gateway.cache.DecodedEntries;
import io.manchete.gateway.cache.FragmentCache;
import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.gateway.cache.LastGoodPages;
import io.manchete.gateway.cache.NearCacheChanges;
import io.manchete.gateway.cache.OnContext;
import io.manchete.gateway.cache.TagVersions;
import io.manchete.gateway.config.GatewayConfig;
import io.manchete.gateway.metrics.GatewayMetrics;
import io.manchete.gateway.page.Assembly;
import io.manchete.gateway.page.PageAssembler;
import io.manchete.gateway.page.PageFlush;
import io.manchete.gateway.page.PageRoute;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Answers a page request from the page cache ({@code gateway-pages}, near-cached) or by assembling
 * it:
 * <ol>
 * <li>Hot path: the entry is in the near cache, within its max-age, and every tag version it was
 * built from is current (near cache too) — answered inline, no remote call, no thread hop.</li>
 * <li>Past max-age but inside stale-while-revalidate (and current): answered at once, refreshed in
 * the background (one refresh per key).</li>
 * <li>Missing, expired or purged: rebuilt now — one assembly per key at a time in this process;
 * concurrent requests wait for it and get the same page. The leader looks into the cache once more
 * first (another request or gateway may just have stored it). A purged page is never served stale,
 * except as stale-if-error when the rebuild fails.</li>
 * </ol>
 * Only 200 pages, 404/410s and permanent redirects (briefly) are stored, never pages with a
 * {@code private}/{@code no-store} part or a {@code Set-Cookie}. Infinispan failing means composing
 * without the cache, never an error. A page whose rebuild fails is answered with its last good copy
 * while that is inside its stale-if-error window; a page built with a part's last good copy (see
 * {@code FragmentCache}) says {@code detail=stale-if-error} in its {@code Cache-Status}.
 *
 * <p>With Infinispan unavailable the page cache's copies are out of reach: every page is composed,
 * and a page whose composition fails is answered with the last good copy this gateway itself served
 * ({@link LastGoodPages}, in memory), inside that copy's stale-if-error window.
 */
@Singleton
public class PageDelivery {
    private static final Logger LOG = Logger.getLogger(PageDelivery.class);
    static final String CACHE_NAME = "Manchete";
    static final String TEXT_HTML = "text/html;charset=UTF-8";
    private static final String TIMING_HIT = "cache;desc=\"hit\"";
    private static final String TIMING_STALE = "cache;desc=\"stale\"";
    static final String STALE_IF_ERROR = "stale-if-error";

    /** How a request may use the page cache. */
    public enum Mode {
        /** Use it. */
        NORMAL,
        /** {@code Cache-Control: no-cache}: build (and store) anew, don't answer from the cache. */
        REVALIDATE,
        /** Don't look, don't store (see {@link PageRequest#bypassReason()}). */
        BYPASS
    }

    /**
     * {@code flush} (may be null): when this request assembles the page itself, told the layout's
     * preload {@code Link} value as soon as it is known (for {@code 103 Early Hints}) and given the
     * page piece by piece when a secondary fragment is late (see {@link PageAssembler}); the
     * {@code Cache-Status} it starts such an answer with is {@link StreamedFlush#cacheStatus()}.
     */
    public record PageRequest(PageRoute route, String section, String slug, String key, Mode mode,
                              String bypassReason, StreamedFlush flush) {

        public PageRequest(PageRoute route, String section, String slug, String key, Mode mode, String bypassReason) {
            this(route, section, slug, key, mode, bypassReason, null);
        }
    }

    /** A {@link PageFlush} that is told, before the page is assembled, how the page cache was used. */
    public interface StreamedFlush extends PageFlush {
        void cacheStatus(String cacheStatus);
    }

    /**
     * The answer: {@code entry} is the page (or 404/410, or redirect: status 301/308 with the
     * {@code Location} as its title) to write — cached or just built; without one, {@code unavailable}
     * says why (503). {@code personal}: must not be stored by anyone. {@code links}: the layout's
     * preload {@code Link} value for a page built now, {@code null} otherwise.
     */
    public record Served(CacheEntry entry, Assembly.Unavailable unavailable, CacheResult result, String cacheStatus,
                         String serverTiming, boolean personal, String links) {

        public Served(CacheEntry entry, Assembly.Unavailable unavailable, CacheResult result, String cacheStatus,
                      String serverTiming, boolean personal) {
            this(entry, unavailable, result, cacheStatus, serverTiming, personal, null);
        }
    }

    /** One build's result, shared by the requests that waited for it. {@code stale}: built with a last good copy. */
    record Built(CacheEntry entry, Assembly.Unavailable unavailable, boolean cacheable, boolean stored,
                 boolean personal, boolean fromCache, String serverTiming, String links, boolean stale) {

        Built(CacheEntry entry, Assembly.Unavailable unavailable, boolean cacheable, boolean stored, boolean personal,
              boolean fromCache, String serverTiming) {
            this(entry, unavailable, cacheable, stored, personal, fromCache, serverTiming, null, false);
        }

        Built stored(boolean stored) {
            return new Built(entry, unavailable, true, stored, personal, fromCache, serverTiming, links, stale);
        }
    }

    private final PageAssembler assembler;
    private final GatewayCaches caches;
    private final TagVersions tagVersions;
    private final ErrorPages errorPages;
    private final GatewayMetrics metrics;
    private final long staleRetentionSeconds;
    private final Coalescer<Built> builds = new Coalescer<>();
    private final LastGoodPages lastGood;
    /**
     * See {@link #entry}: two slots per key, the power of two at or just under the page near cache's
     * size (4,096 for its default 5,000: the hot pages of a Zipf load), since each slot keeps its
     * page's bytes alive.
     */
    private final DecodedEntries decoded;

    public PageDelivery(PageAssembler assembler, GatewayCaches caches, TagVersions tagVersions, ErrorPages errorPages,
                        GatewayMetrics metrics, GatewayConfig config) {
        this.assembler = assembler;
        this.caches = caches;
        this.tagVersions = tagVersions;
        this.errorPages = errorPages;
        this.metrics = metrics;
        this.staleRetentionSeconds = config.pageCache().staleRetention().toSeconds();
        this.lastGood = caches.lastGood();
        this.decoded = DecodedEntries.forNearCache(config.pageCache().nearCache().pages());
    }

    /** Answers {@code request} through {@code done} (on the caller's Vert.x context), or {@code failed}. */
    public void serve(PageRequest request, Consumer<Served> done, Consumer<Throwable> failed) {
        Context context = Vertx.currentContext();
        if (request.mode() == Mode.BYPASS) {
            compose(request, request.bypassReason(), context, done, failed);
            return;
        }
        if (!caches.available()) {
            compose(request, "cache-unavailable", context, done, failed);
            return;
        }
        String key = request.key();
        long stamp = NearCacheChanges.PAGES.stamp(key); // before the read: a change after it moves it
        CacheEntry known = decoded.known(key, stamp);
        if (known != null) {
            found(request, known, context, done, failed); // the near cache would answer the same
            return;
        }
        CompletableFuture<byte[]> lookup;
        try {
            lookup = caches.bounded(caches.pages().getAsync(key));
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        OnContext.whenComplete(lookup, context, (raw, failure) -> {
            if (failure != null) {
                caches.failed(GatewayCaches.PAGES, "get", failure);
                compose(request, "cache-unavailable", context, done, failed);
                return;
            }
            caches.succeeded();
            found(request, decoded.get(key, raw, stamp), context, done, failed);
        }, failed);
    }

    private void found(PageRequest request, CacheEntry entry, Context context, Consumer<Served> done,
                       Consumer<Throwable> failed) {
        if (entry == null) {
            rebuild(request, null, null, context, done, failed);
            return;
        }
        if (request.mode() == Mode.REVALIDATE) {
            rebuild(request, entry, null, context, done, failed);
            return;
        }
        long now = System.currentTimeMillis();
        boolean fresh = entry.fresh(now);
        if (!fresh && !entry.revalidatable(now)) {
            rebuild(request, entry, "expired", context, done, failed);
            return;
        }
        CompletableFuture<Boolean> current;
        try {
            current = tagVersions.current(entry);
        } catch (RuntimeException e) {
            current = CompletableFuture.failedFuture(e);
        }
        OnContext.whenComplete(current, context, (valid, failure) -> {
            if (failure != null) {
                caches.failed(GatewayCaches.TAGS, "get", failure);
                compose(request, "cache-unavailable", context, done, failed);
            } else if (!valid) {
                rebuild(request, entry, "purged", context, done, failed);
            } else if (fresh) {
                lastGood.remember(request.key(), entry);
                metrics.pageCache(CacheResult.HIT);
                done.accept(new Served(entry, null, CacheResult.HIT,
                        "Manchete; hit; ttl=" + entry.remainingSeconds(now), TIMING_HIT, false));
            } else {
                metrics.pageCache(CacheResult.STALE);
                refreshInBackground(request);
                done.accept(new Served(entry, null, CacheResult.STALE,
                        "Manchete; fwd=stale; ttl=" + entry.remainingSeconds(now), TIMING_STALE, false));
            }
        }, failed);
    }

    // ------------------------------------------------------------------ building

    /** No cache at all: assemble for this request only. */
    private void compose(PageRequest request, String reason, Context context, Consumer<Served> done,
                         Consumer<Throwable> failed) {
        assembler.assemble(request.route(), request.section(), request.slug(),
                flush(request.flush(), "Manchete; fwd=bypass; detail=" + reason)).subscribe().with(
                assembly -> {
                    Built built = toBuilt(assembly);
                    if (built.entry() == null && built.unavailable().status() >= 500) {
                        long now = System.currentTimeMillis();
                        CacheEntry last = lastGood.usable(request.key(), now);
                        if (last != null) {
                            done.accept(staleIfError(last, built, now));
                            return;
                        }
                    } else if (!built.stale() && !built.personal()) {
                        lastGood.remember(request.key(), built.entry());
                    }
                    metrics.pageCache(CacheResult.BYPASS);
                    done.accept(new Served(built.entry(), built.unavailable(), CacheResult.BYPASS,
                            "Manchete; fwd=bypass; detail=" + (built.stale() ? STALE_IF_ERROR : reason),
                            "cache;desc=\"bypass\", " + built.serverTiming(), built.personal(), built.links()));
                }, failed::accept);
    }

    /** Builds the page (or joins the build in flight) and answers with it. */
    private void rebuild(PageRequest request, CacheEntry previous, String detail, Context context,
                         Consumer<Served> done, Consumer<Throwable> failed) {
        boolean revalidate = request.mode() == Mode.REVALIDATE;
        Coalescer.Flight<Built> flight = builds.join(request.key(), f -> {
            build(request, f, !revalidate, flush(request.flush(), "Manchete; fwd=" + (revalidate ? "request" : "miss")
                    + (detail != null ? "; detail=" + detail : "")));
            return null;
        });
        OnContext.whenComplete(flight.result(), context, (built, failure) -> {
            if (failure != null) {
                failed.accept(failure);
                return;
            }
            long now = System.currentTimeMillis();
            if (built.entry() == null && built.unavailable().status() >= 500) {
                CacheEntry last = previous != null && previous.status() == 200 && previous.usableOnError(now) ? previous
                        : lastGood.usable(request.key(), now); // e.g. an Infinispan restarted empty
                if (last != null) {
                    done.accept(staleIfError(last, built, now));
                    return;
                }
            }
            if (built.entry() != null && !built.stale() && !built.personal()) {
                lastGood.remember(request.key(), built.entry());
            }
            CacheResult result;
            String cacheStatus;
            String timing;
            if (built.fromCache()) {
                result = flight.leader() ? CacheResult.HIT : CacheResult.COALESCED;
                cacheStatus = "Manchete; hit; ttl=" + built.entry().remainingSeconds(now);
                timing = TIMING_HIT;
            } else if (flight.leader()) {
                result = CacheResult.MISS;
                String why = built.stale() ? STALE_IF_ERROR : detail;
                cacheStatus = "Manchete; fwd=" + (revalidate ? "request" : "miss") + (built.stored() ? "; stored" : "")
                        + (why != null ? "; detail=" + why : "");
                timing = "cache;desc=\"miss\", " + built.serverTiming();
            } else {
                result = CacheResult.COALESCED;
                cacheStatus = "Manchete; fwd=" + (revalidate ? "request" : "miss") + "; collapsed"
                        + (built.stale() ? "; detail=" + STALE_IF_ERROR : "");
                timing = "cache;desc=\"collapsed\", " + built.serverTiming();
            }
            metrics.pageCache(result);
            done.accept(new Served(built.entry(), built.unavailable(), result, cacheStatus, timing, built.personal(),
                    built.fromCache() ? null : built.links()));
        }, failed);
    }

    private static PageFlush flush(StreamedFlush flush, String cacheStatus) {
        if (flush != null) {
            flush.cacheStatus(cacheStatus);
        }
        return flush;
    }

    /** Stale-while-revalidate: one background rebuild per key; nobody waits for it. */
    private void refreshInBackground(PageRequest request) {
        Coalescer.Flight<Built> flight = builds.join(request.key(), f -> {
            build(request, f, true, null);
            return null;
        });
        if (flight.leader()) {
            flight.result().whenComplete((built, failure) -> {
                if (failure != null) {
                    LOG.debugf("Background refresh of %s failed: %s", request.key(), failure.toString());
                }
            });
        }
    }

    /** The leader's work: look once more, else assemble, store if allowed, then release the key. */
    private void build(PageRequest request, Coalescer.Flight<Built> flight, boolean lookFirst,
                       PageFlush flush) {
        Context context = Vertx.currentContext();
        CompletableFuture<CacheEntry> stored = lookFirst ? currentEntry(request.key())
                : CompletableFuture.completedFuture(null);
        OnContext.whenComplete(stored, context, (entry, ignored) -> {
            if (entry != null) {
                finish(flight, new Built(entry, null, false, false, false, true, ""));
                return;
            }
            assembler.assemble(request.route(), request.section(), request.slug(), flush).subscribe().with(assembly -> {
                Built built = toBuilt(assembly);
                if (!built.cacheable() || !caches.available()) {
                    finish(flight, built);
                    return;
                }
                CompletableFuture<byte[]> put;
                try {
                    put = caches.bounded(caches.pages().putAsync(request.key(), built.entry().encoded(),
                            built.entry().lifespanSeconds(staleRetentionSeconds), TimeUnit.SECONDS));
                } catch (RuntimeException e) {
                    put = CompletableFuture.failedFuture(e);
                }
                put.whenComplete((previous, failure) -> {
                    if (failure != null) {
                        caches.failed(GatewayCaches.PAGES, "put", failure);
                    }
                    finish(flight, built.stored(failure == null));
                });
            }, failure -> fail(flight, failure));
        }, failure -> fail(flight, failure));
    }

    private static void fail(Coalescer.Flight<Built> flight, Throwable failure) {
        flight.release();
        flight.result().completeExceptionally(failure);
    }

    private static void finish(Coalescer.Flight<Built> flight, Built built) {
        flight.release();
        flight.result().complete(built);
    }

    /** The stored entry if it is fresh and current now; {@code null} otherwise (or when Infinispan fails). */
    private CompletableFuture<CacheEntry> currentEntry(String key) {
        try {
            return caches.bounded(caches.pages().getAsync(key)).thenCompose(raw -> {
                CacheEntry entry = CacheEntry.decode(raw);
                if (entry == null || !entry.fresh(System.currentTimeMillis())) {
                    return CompletableFuture.completedFuture(null);
                }
                return tagVersions.current(entry).thenApply(current -> current ? entry : null);
            }).exceptionally(failure -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The assembly as an entry to write (and maybe store). */
    Built toBuilt(Assembly assembly) {
        long now = System.currentTimeMillis();
        if (assembly instanceof Assembly.Page page) {
            Map<String, String> versions = page.cacheable() ? page.versions() : tagsOnly(page.surrogateKey());
            CacheEntry entry = entry(200, now, page.maxAge(), page.staleWhileRevalidate(), page.staleIfError(),
                    page.etag(), versions, page.body());
            boolean cacheable = page.cacheable() && entry.tagCount() == versions.size();
            return new Built(entry, null, cacheable, false, page.personal(), false, page.serverTiming(), page.links(),
                    page.staleParts() != null);
        }
        if (assembly instanceof Assembly.Redirect redirect) {
            boolean cacheable = redirect.cacheable() && redirect.maxAge() > 0;
            Map<String, String> versions = cacheable ? redirect.versions() : tagsOnly(redirect.surrogateKey());
            CacheEntry entry = entry(redirect.status(), now, redirect.maxAge(), 0, 0, null, redirect.location(), versions,
                    new byte[0]);
            return new Built(entry, null, cacheable && entry.tagCount() == versions.size(), false, false, false,
                    redirect.serverTiming());
        }
        Assembly.Unavailable unavailable = (Assembly.Unavailable) assembly;
        if (unavailable.status() == 404 || unavailable.status() == 410) {
            boolean cacheable = unavailable.cacheable() && unavailable.maxAge() > 0;
            Map<String, String> versions = cacheable ? unavailable.versions() : tagsOnly(unavailable.surrogateKey());
            CacheEntry entry = entry(unavailable.status(), now, unavailable.maxAge(), 0, 0, null, null, versions,
                    errorPages.render(unavailable.status(), null, null, null).getBytes());
            return new Built(entry, null, cacheable && entry.tagCount() == versions.size(), false, false, false,
                    unavailable.serverTiming());
        }
        return new Built(null, unavailable, false, false, false, false, unavailable.serverTiming());
    }

    private static CacheEntry entry(int status, long now, int maxAge, int swr, int sie, String etag,
                                    Map<String, String> versions, byte[] body) {
        return entry(status, now, maxAge, swr, sie, etag, null, versions, body);
    }

    /** {@code location}: the {@code Location} of a redirect, kept in the entry's title field. */
    private static CacheEntry entry(int status, long now, int maxAge, int swr, int sie, String etag, String location,
                                    Map<String, String> versions, byte[] body) {
        String contentType = location == null ? TEXT_HTML : null;
        try {
            return CacheEntry.create(status, now, maxAge, swr, sie, contentType, etag, location, versions, body);
        } catch (IllegalArgumentException tooManyTags) {
            return CacheEntry.create(status, now, maxAge, swr, sie, contentType, etag, location, Map.of(), body);
        }
    }

    /** Tags without versions: for the {@code Surrogate-Key} of an answer that is not stored. */
    /** {@code last} answered in place of a page whose build failed (counted as a stale hit). */
    private Served staleIfError(CacheEntry last, Built built, long now) {
        metrics.pageCache(CacheResult.STALE);
        return new Served(last, null, CacheResult.STALE,
                "Manchete; fwd=stale; fwd-status=" + built.unavailable().status() + "; ttl="
                        + last.remainingSeconds(now) + "; detail=" + STALE_IF_ERROR,
                "cache;desc=\"stale-if-error\", " + built.serverTiming(), false);
    }

    private static Map<String, String> tagsOnly(String surrogateKey) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : FragmentCache.tags(surrogateKey)) {
            tags.put(tag, "");
        }
        return tags;
    }

    /**
     * The entry of {@code key} as a hit takes it ({@link DecodedEntries}): without reading the near
     * cache while nothing changed there for that key since the last read, else read (and decoded once
     * per array), keeping its tag check's stamp ({@link TagVersions#current}) and
     * {@link LastGoodPages}' mark. For tests: {@code null} when the page is not in the cache.
     */
    CacheEntry entry(String key) {
        long stamp = NearCacheChanges.PAGES.stamp(key);
        CacheEntry known = decoded.known(key, stamp);
        return known != null ? known : decoded.get(key, caches.pages().getAsync(key).join(), stamp);
    }

    /** Whether a hit on {@code key} now would read no cache at all (for tests). */
    boolean knownUnread(String key) {
        return decoded.known(key, NearCacheChanges.PAGES.stamp(key)) != null;
    }

    /** Page builds in flight in this process (for tests). */
    public int buildsInFlight() {
        return builds.inFlight();
    }
}
