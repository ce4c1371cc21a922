package io.manchete.gateway.cache;

import io.manchete.gateway.client.FragmentClient;
import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.client.UpstreamSpans;
import io.manchete.gateway.config.GatewayConfig;
import io.manchete.gateway.metrics.GatewayMetrics;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Layouts and fragments for page assembly, cached in {@code gateway-fragments} with their own
 * max-age and tags (from the upstream's {@code Cache-Control} and {@code Surrogate-Key}), so a
 * changed fragment costs one fetch: a page rebuilt after {@code comments:x} was purged takes the
 * article body and the layout from here.
 *
 * <p>A cached answer is used while it is within its max-age and every tag version it recorded is
 * current. Otherwise it is fetched again — one fetch per key at a time in this process, concurrent
 * callers join it — with the tag versions read <em>before</em> the fetch (the tags known from the
 * previous answer). Tags first seen in the new answer are read after it; if one of them was purged
 * so recently that the purge may have crossed the fetch, the answer is used but not stored. Only 2xx
 * answers with a max-age, without {@code private}/{@code no-store}/{@code Set-Cookie}, are stored.
 *
 * <p><b>Stale-if-error</b>: when the fetch of an expired or purged entry fails (connection failure,
 * timeout, 5xx, open breaker, full bulkhead), the entry stands in while it is inside its
 * {@code max-age + stale-if-error} (RFC 5861; Infinispan keeps it that long, at most
 * {@code manchete.page-cache.stale-retention}); the part is marked {@link Part#stale()} and is fresh
 * for {@code manchete.placeholder-max-age} at most. Past that window it is not used.
 *
 * <p>Each look-up is a client span ({@link UpstreamSpans}); the fetch it causes carries the span's
 * {@code traceparent} to the upstream.
 */
@ApplicationScoped
public class FragmentCache {
    private static final Logger LOG = Logger.getLogger(FragmentCache.class);

    /** The slot name the assembler fetches a page's layout under; layouts stay cached when fragments are not. */
    public static final String LAYOUT_SLOT = "layout";

    private final FragmentClient client;
    private final GatewayCaches caches;
    private final TagVersions tagVersions;
    private final GatewayMetrics metrics;
    private final UpstreamSpans spans;
    private final long staleRetentionSeconds;
    private final int staleMaxAge;
    private final boolean fragmentsCached;
    /** Decoded fragment entries by key, each decoded once while the near cache hands out the same bytes. */
    private final DecodedEntries decoded;
    private final Coalescer<Part> fetches = new Coalescer<>();

    public FragmentCache(FragmentClient client, GatewayCaches caches, TagVersions tagVersions, GatewayMetrics metrics,
                         UpstreamSpans spans, GatewayConfig config) {
        this.client = client;
        this.caches = caches;
        this.tagVersions = tagVersions;
        this.metrics = metrics;
        this.spans = spans;
        this.staleRetentionSeconds = config.pageCache().staleRetention().toSeconds();
        this.staleMaxAge = (int) Math.min(Integer.MAX_VALUE, config.placeholderMaxAge().toSeconds());
        this.fragmentsCached = config.fragmentCache().enabled();
        this.decoded = DecodedEntries.forNearCache(config.pageCache().nearCache().fragments());
    }

    static String key(Upstream upstream, String pathAndQuery) {
        return upstream.serviceName() + ' ' + pathAndQuery;
    }

    /** The layout or fragment at {@code pathAndQuery}; never fails (a failed fetch is a failed result). */
    public Uni<Part> get(Upstream upstream, String slot, String pathAndQuery) {
        return Uni.createFrom().deferred(() -> {
            Span span = spans.start("GET", upstream, slot, pathAndQuery);
            io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current().with(span);
            return OnContext.uni(part(upstream, slot, pathAndQuery, trace)).onItemOrFailure().invoke((part, failure) -> {
                if (failure != null) {
                    UpstreamSpans.fail(span, failure);
                } else if (part.stale()) {
                    UpstreamSpans.end(span, part.failedFetch(), CacheResult.STALE.tag());
                } else {
                    UpstreamSpans.end(span, part.result(), part.cache().tag());
                }
            });
        });
    }

    CompletableFuture<Part> part(Upstream upstream, String slot, String pathAndQuery,
                                 io.opentelemetry.context.Context trace) {
        long start = System.nanoTime();
        Context context = Vertx.currentContext();
        if (!caches.available() || (!fragmentsCached && !LAYOUT_SLOT.equals(slot))) {
            return direct(upstream, slot, pathAndQuery, trace);
        }
        String key = key(upstream, pathAndQuery);
        CompletableFuture<byte[]> lookup;
        try {
            lookup = caches.bounded(caches.fragments().getAsync(key));
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Part> part = new CompletableFuture<>();
        OnContext.whenComplete(lookup, context, (raw, failure) -> {
            if (failure != null) {
                caches.failed(GatewayCaches.FRAGMENTS, "get", failure);
                forward(direct(upstream, slot, pathAndQuery, trace), part);
                return;
            }
            caches.succeeded();
            // the near cache hands every reader the same array: decoded once, and the entry keeps its body
            // text and the stamp of its last tag check (each page rebuilt after a post reads the same
            // layout, article and teasers; docs/performance.md, runs 58-59)
            CacheEntry entry = decoded.get(key, raw, NearCacheChanges.NONE);
            long now = System.currentTimeMillis();
            if (entry == null || !entry.fresh(now)) {
                forward(refetch(key, upstream, slot, pathAndQuery, entry, trace), part);
                return;
            }
            CompletableFuture<Boolean> check;
            try {
                check = tagVersions.current(entry);
            } catch (RuntimeException e) {
                check = CompletableFuture.failedFuture(e);
            }
            OnContext.whenComplete(check, context, (current, tagFailure) -> {
                if (tagFailure != null) {
                    caches.failed(GatewayCaches.TAGS, "get", tagFailure);
                    forward(direct(upstream, slot, pathAndQuery, trace), part);
                } else if (current) {
                    metrics.fragmentCache(CacheResult.HIT);
                    part.complete(fromEntry(upstream, slot, entry, now, System.nanoTime() - start));
                } else {
                    forward(refetch(key, upstream, slot, pathAndQuery, entry, trace), part);
                }
            }, part::completeExceptionally);
        }, part::completeExceptionally);
        return part;
    }

    private static Part fromEntry(Upstream upstream, String slot, CacheEntry entry, long now, long nanos) {
        FragmentResult result = new FragmentResult(upstream, slot, FragmentResult.Outcome.OK, entry.status(),
                entry.bodyString(), null, entry.surrogateKey(), entry.title(), nanos);
        Map<String, String> versions = new LinkedHashMap<>();
        for (int i = 0; i < entry.tagCount(); i++) {
            versions.put(entry.tag(i), entry.version(i));
        }
        return new Part(result, (int) Math.max(0, Math.min(Integer.MAX_VALUE, entry.remainingSeconds(now))),
                entry.staleWhileRevalidate(), entry.staleIfError(), versions, false, CacheResult.HIT);
    }

    /** Infinispan unavailable: fetch without the cache (still one fetch per key at a time). */
    private CompletableFuture<Part> direct(Upstream upstream, String slot, String pathAndQuery,
                                           io.opentelemetry.context.Context trace) {
        Coalescer.Flight<Part> flight = fetches.join("direct " + key(upstream, pathAndQuery), f -> {
            client.fetch(upstream, slot, pathAndQuery, trace).subscribe().with(result -> {
                f.release();
                f.result().complete(Part.fetched(result, null, CacheResult.BYPASS));
            }, failure -> {
                f.release();
                f.result().completeExceptionally(failure);
            });
            return null;
        });
        metrics.fragmentCache(flight.leader() ? CacheResult.BYPASS : CacheResult.COALESCED);
        return flight.leader() ? flight.result() : flight.result().thenApply(p -> p.withCache(CacheResult.COALESCED));
    }

    private CompletableFuture<Part> refetch(String key, Upstream upstream, String slot, String pathAndQuery,
                                            CacheEntry previous, io.opentelemetry.context.Context trace) {
        Coalescer.Flight<Part> flight = fetches.join(key, f -> {
            fetchAndStore(f, key, upstream, slot, pathAndQuery, previous, trace);
            return null;
        });
        if (flight.leader()) {
            metrics.fragmentCache(CacheResult.MISS);
            return flight.result();
        }
        metrics.fragmentCache(CacheResult.COALESCED);
        return flight.result().thenApply(p -> p.withCache(CacheResult.COALESCED));
    }

    private void fetchAndStore(Coalescer.Flight<Part> flight, String key, Upstream upstream, String slot,
                               String pathAndQuery, CacheEntry previous, io.opentelemetry.context.Context trace) {
        Context context = Vertx.currentContext();
        List<String> known = previous == null ? List.of() : Arrays.asList(previous.tags());
        CompletableFuture<Map<String, String>> before;
        try {
            before = tagVersions.read(known);
        } catch (RuntimeException e) {
            before = CompletableFuture.failedFuture(e);
        }
        OnContext.whenComplete(before, context, (versionsBefore, failure) -> {
            if (failure != null) {
                caches.failed(GatewayCaches.TAGS, "read", failure);
            }
            long fetchStart = System.currentTimeMillis();
            client.fetch(upstream, slot, pathAndQuery, trace).subscribe().with(
                    result -> fetched(flight, key, result, versionsBefore, fetchStart, context, previous),
                    fetchFailure -> fail(flight, fetchFailure)); // FragmentClient never fails; belt and braces
        }, failure -> fail(flight, failure));
    }

    private void fetched(Coalescer.Flight<Part> flight, String key, FragmentResult result,
                         Map<String, String> versionsBefore, long fetchStart, Context context, CacheEntry previous) {
        if (result.failed() && previous != null) {
            Part stale = stale(result, previous, System.currentTimeMillis());
            if (stale != null) {
                LOG.debugf("Fragment %s: %s, serving the last good copy (stale-if-error)", key, result.outcome().tag());
                flight.release();
                flight.result().complete(stale);
                return;
            }
        }
        Part plain = Part.fetched(result, null, CacheResult.MISS);
        if (!result.ok() || versionsBefore == null || plain.personal() || plain.maxAge() <= 0) {
            flight.release();
            flight.result().complete(plain);
            return;
        }
        Set<String> tags = tags(result.surrogateKey());
        List<String> unknown = new ArrayList<>();
        for (String tag : tags) {
            if (!versionsBefore.containsKey(tag)) {
                unknown.add(tag);
            }
        }
        CompletableFuture<Map<String, String>> after;
        try {
            after = unknown.isEmpty() ? CompletableFuture.completedFuture(Map.of())
                    : tagVersions.readAfterFetch(unknown, fetchStart);
        } catch (RuntimeException e) {
            after = CompletableFuture.failedFuture(e);
        }
        OnContext.whenComplete(after, context, (versionsAfter, failure) -> {
            if (failure != null) {
                caches.failed(GatewayCaches.TAGS, "read", failure);
            }
            if (failure != null || versionsAfter == null) {
                flight.release();
                flight.result().complete(plain);
                return;
            }
            Map<String, String> versions = new LinkedHashMap<>();
            for (String tag : tags) {
                String version = versionsBefore.get(tag);
                versions.put(tag, version != null ? version : versionsAfter.get(tag));
            }
            Part part = Part.fetched(result, versions, CacheResult.MISS);
            store(key, part).whenComplete((ignored, storeFailure) -> {
                flight.release();
                flight.result().complete(part);
            });
        }, failure -> fail(flight, failure));
    }

    /**
     * The last good copy standing in for a failed fetch, or {@code null} when there is none that may:
     * not a 2xx, or past its {@code max-age + stale-if-error}.
     */
    Part stale(FragmentResult failed, CacheEntry previous, long now) {
        if (previous.status() < 200 || previous.status() >= 300 || !previous.usableOnError(now)) {
            return null;
        }
        FragmentResult copy = new FragmentResult(failed.upstream(), failed.slot(), FragmentResult.Outcome.OK,
                previous.status(), previous.bodyString(), null, previous.surrogateKey(), previous.title(), failed.nanos());
        Map<String, String> versions = new LinkedHashMap<>();
        for (int i = 0; i < previous.tagCount(); i++) {
            versions.put(previous.tag(i), previous.version(i));
        }
        return new Part(copy, staleMaxAge, previous.staleWhileRevalidate(), previous.staleIfError(), versions, false,
                CacheResult.MISS, failed);
    }

    private static void fail(Coalescer.Flight<Part> flight, Throwable failure) {
        flight.release();
        flight.result().completeExceptionally(failure);
    }

    private CompletableFuture<Void> store(String key, Part part) {
        FragmentResult result = part.result();
        CacheEntry entry;
        try {
            entry = CacheEntry.create(result.status(), System.currentTimeMillis(), part.maxAge(),
                    part.staleWhileRevalidate(), part.staleIfError(), null, null, result.title(), part.versions(),
                    result.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException tooBig) {
            LOG.debugf("Fragment %s not cached: %s", key, tooBig.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<byte[]> put;
        try {
            put = caches.bounded(caches.fragments().putAsync(key, entry.encoded(),
                    entry.lifespanSeconds(staleRetentionSeconds), TimeUnit.SECONDS));
        } catch (RuntimeException e) {
            put = CompletableFuture.failedFuture(e);
        }
        return put.handle((ignored, failure) -> {
            if (failure != null) {
                caches.failed(GatewayCaches.FRAGMENTS, "put", failure);
            }
            return null;
        });
    }

    private static void forward(CompletableFuture<Part> from, CompletableFuture<Part> to) {
        from.whenComplete((part, failure) -> {
            if (failure != null) {
                to.completeExceptionally(OnContext.unwrap(failure));
            } else {
                to.complete(part);
            }
        });
    }

    /** The tags of a {@code Surrogate-Key} value, in order, without duplicates. */
    public static Set<String> tags(String surrogateKey) {
        Set<String> tags = new LinkedHashSet<>();
        if (surrogateKey == null || surrogateKey.isEmpty()) {
            return tags;
        }
        int i = 0;
        int length = surrogateKey.length();
        while (i < length) {
            while (i < length && Character.isWhitespace(surrogateKey.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < length && !Character.isWhitespace(surrogateKey.charAt(i))) {
                i++;
            }
            if (i > start) {
                tags.add(surrogateKey.substring(start, i));
            }
        }
        return tags;
    }
}
