package io.manchete.content.cache;

import io.manchete.commons.cache.CacheAvailability;
import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.commons.reactive.OnContext;
import io.manchete.content.config.ContentConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.infinispan.client.runtime.InfinispanClientProducer;
import io.quarkus.infinispan.client.runtime.InfinispanClientUtil;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The service's two Infinispan caches over Hot Rod. Every call is bounded by
 * {@code manchete.content.cache.timeout}, comes back on the caller's Vert.x context
 * ({@link OnContext}) and never fails: a broken or slow Infinispan reads as a miss (and writes are
 * dropped), so the caller falls back to the database. Reads are counted in
 * {@code manchete.cache.requests{service=content, cache, result=hit|miss}}; every call is a client
 * span of the request's trace ({@link CacheSpans}).
 *
 * <p>After a failed call reads and fills skip Infinispan at once (a miss) until a background probe
 * gets through again, so an Infinispan that is down costs no request its timeout; writes that
 * replace or remove an entry are still tried. A cache the server lost (restarted empty) is created
 * again by that probe ({@link CacheAvailability}).
 *
 * <p>The caches are obtained from the Hot Rod client in the background (as page-service's
 * {@code PageCaches} does), not injected with {@code @Remote}: Quarkus creates every injected remote
 * cache eagerly at boot, so with Infinispan unreachable the service would not start at all. Until a
 * cache is obtained, reads and fills of it are misses at once; writes and the readiness ping wait for
 * it within the timeout. A failed attempt is made again once the probe finds Infinispan answering.
 *
 * <p>The Hot Rod client is the extension's own ({@code quarkus.infinispan-client.*}), asked of its
 * producer rather than through a {@code RemoteCacheManager} bean ({@code Instance<RemoteCacheManager>}):
 * that bean is {@code @ApplicationScoped}, and its client proxy subclasses {@code RemoteCacheManager},
 * whose no-argument constructor, run for each proxy, starts a second, default-configured client.
 */
@ApplicationScoped
public class ContentCache {
    private static final Logger LOG = Logger.getLogger(ContentCache.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Per cache, the attempt to obtain it (completed once obtained); see {@link #cache}. */
    private final Map<Store, CompletableFuture<RemoteCache<String, String>>> caches = new ConcurrentHashMap<>();
    private final Supplier<RemoteCacheManager> manager;
    private final Map<Store, Counter> hits = new EnumMap<>(Store.class);
    private final Map<Store, Counter> misses = new EnumMap<>(Store.class);
    private final long timeoutMillis;
    private final CacheSpans spans;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final CacheAvailability availability;

    public ContentCache(InfinispanClientProducer clients, ContentConfig config, MeterRegistry registry, CacheSpans spans) {
        // one client per name, created on first use (blocking: never on a request path, see obtain)
        this.manager = () -> clients.getNamedRemoteCacheManager(InfinispanClientUtil.DEFAULT_INFINISPAN_CLIENT_NAME);
        for (Store store : Store.values()) {
            hits.put(store, counter(registry, store, "hit"));
            misses.put(store, counter(registry, store, "miss"));
        }
        this.timeoutMillis = Math.max(1, config.cache().timeout().toMillis());
        this.spans = spans;
        this.availability = new CacheAvailability("content-service", manager,
                List.of(Store.ARTICLES_NAME, Store.FRAGMENTS_NAME), config.cache().probeEvery(), config.cache().timeout());
    }

    @PreDestroy
    void stop() {
        availability.close();
    }

    /** Obtains the caches in the background at start: the service starts, and serves, with Infinispan down. */
    void connect(@Observes StartupEvent event) {
        for (Store store : Store.values()) {
            cache(store);
        }
    }

    /**
     * The cache, or the attempt to obtain it. Never blocks: {@code getCache} (a round trip to the server)
     * runs on a worker thread, one attempt per cache at a time; a failed one is made again only once
     * Infinispan is readable again (the probe got through), so while it is down calls fail at once.
     */
    private CompletableFuture<RemoteCache<String, String>> cache(Store store) {
        CompletableFuture<RemoteCache<String, String>> known = caches.get(store);
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        return caches.compute(store, (s, attempt) -> attempt != null && !(attempt.isCompletedExceptionally() && availability.readable())
                ? attempt
                : CompletableFuture.supplyAsync(() -> obtain(s), Infrastructure.getDefaultWorkerPool()));
    }

    /** Whether the cache is there to use now; if not, an attempt to obtain it is under way (or waits for the probe). */
    private boolean obtained(Store store) {
        CompletableFuture<RemoteCache<String, String>> cache = cache(store);
        return cache.isDone() && !cache.isCompletedExceptionally();
    }

    private RemoteCache<String, String> obtain(Store store) {
        try {
            RemoteCache<String, String> cache = manager.get().getCache(store.cacheName());
            if (cache == null) {
                throw new IllegalStateException("Infinispan has no cache " + store.cacheName());
            }
            return cache;
        } catch (RuntimeException e) {
            availability.failed(e);
            throw e;
        }
    }

    private static Counter counter(MeterRegistry registry, Store store, String result) {
        return Counter.builder("manchete.cache.requests")
                .description("Cache look-ups by result")
                .tag("service", "content")
                .tag("cache", store.cacheName())
                .tag("result", result)
                .register(registry);
    }

    /** The value, or null on a miss or when Infinispan cannot answer in time. */
    public Uni<String> get(Store store, String key) {
        if (!availability.readable() || !obtained(store)) {
            misses.get(store).increment();
            return Uni.createFrom().nullItem();
        }
        return call(store, "get", c -> c.getAsync(key), Objects::nonNull)
                .invoke(value -> (value == null ? misses : hits).get(store).increment());
    }

    /** The values found (missing keys absent); empty when Infinispan cannot answer in time. */
    public Uni<Map<String, String>> getAll(Store store, Set<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        if (!availability.readable() || !obtained(store)) {
            misses.get(store).increment(keys.size());
            return Uni.createFrom().item(Map.of());
        }
        return call(store, "getAll", c -> c.getAllAsync(keys),
                found -> found != null && found.size() == keys.size())
                .map(found -> found == null ? Map.<String, String>of() : found)
                .invoke(found -> {
                    hits.get(store).increment(found.size());
                    misses.get(store).increment(keys.size() - found.size());
                });
    }

    public Uni<Void> put(Store store, String key, String value, Duration lifespan) {
        return call(store, "put", c -> c.putAsync(key, value, lifespan.toMillis(), TimeUnit.MILLISECONDS), null)
                .replaceWithVoid();
    }

    /** Stores unless a value is there already: a read filling a miss never overwrites a writer's fresh value. */
    public Uni<Void> putIfAbsent(Store store, String key, String value, Duration lifespan) {
        if (!availability.readable() || !obtained(store)) {
            return Uni.createFrom().voidItem(); // a fill: nothing stale is left by skipping it
        }
        return call(store, "putIfAbsent",
                c -> c.putIfAbsentAsync(key, value, lifespan.toMillis(), TimeUnit.MILLISECONDS), null)
                .replaceWithVoid();
    }

    public Uni<Void> remove(Store store, String key) {
        return call(store, "remove", c -> c.removeAsync(key), null).replaceWithVoid();
    }

    /**
     * True when both caches answer within the timeout (a plain read of a key nobody writes; not
     * counted as a cache request), asked one after the other. While Infinispan is out of use after a
     * failure this answers false at once, without a call: several calls at a time to a cache the server
     * lost (an empty restart) stall the one Hot Rod connection — each error answer holds back the
     * answers behind it — until the probe has created the cache again. A failed ping takes Infinispan
     * out of use (and so starts the probe).
     */
    public Uni<Boolean> reachable() {
        if (!availability.readable()) {
            return Uni.createFrom().item(false);
        }
        return ping(Store.ARTICLES).chain(up -> up ? ping(Store.FRAGMENTS) : Uni.createFrom().item(false));
    }

    private Uni<Boolean> ping(Store store) {
        return OnContext.await(() -> cache(store).thenCompose(c -> c.getAsync("ping:readiness")).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .map(ignored -> true)
                .onFailure().recoverWithItem(failure -> {
                    availability.failed(failure);
                    return false;
                });
    }

    /** {@code hit}: for reads, whether an answer is a hit (null for writes); see {@link CacheSpans}. */
    private <T> Uni<T> call(Store store, String operation, Function<RemoteCache<String, String>, CompletableFuture<T>> action,
            Predicate<T> hit) {
        return spans.trace(operation, store.cacheName(),
                        OnContext.await(() -> cache(store).thenCompose(action).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)), hit)
                .onFailure().recoverWithItem(failure -> {
                    trouble(store, operation, failure);
                    availability.failed(failure);
                    return null;
                });
    }

    private void trouble(Store store, String operation, Throwable failure) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        String message = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Infinispan %s on %s failed, using the database instead: %s", operation, store.cacheName(), message);
        } else {
            LOG.debugf("Infinispan %s on %s failed: %s", operation, store.cacheName(), message);
        }
    }
}
