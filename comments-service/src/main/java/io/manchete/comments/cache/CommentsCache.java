package io.manchete.comments.cache;

import io.manchete.commons.cache.CacheAvailability;
import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.comments.config.CommentsConfig;
import io.manchete.commons.reactive.OnContext;
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
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The service's two Infinispan caches: {@value #FRAGMENTS} (the rendered first page of an article's
 * comments, keyed by slug) and {@value #COUNTS} (the visible count, keyed by slug).
 *
 * <p>The cache is an optimisation, never a dependency: the service starts without Infinispan (see
 * {@link LazyRemoteCache}), every call is bounded by {@code manchete.comments.cache.timeout}, a
 * failure reads as a miss (or a skipped write), and results come back on the caller's Vert.x
 * context so Hibernate Reactive can follow. Reads are counted in
 * {@code manchete.cache.requests{service=comments, cache, result=hit|miss}}; every call is a client
 * span of the request's trace ({@link CacheSpans}).
 *
 * <p>After a failed call reads and fills skip Infinispan at once until a background probe gets
 * through to both caches again (writes after a database write are still tried); a cache the server
 * lost (restarted empty) is created again by that probe ({@link CacheAvailability}).
 */
@ApplicationScoped
public class CommentsCache {
    public static final String FRAGMENTS = "comments-fragments";
    public static final String COUNTS = "comments-counts";
    private static final Logger LOG = Logger.getLogger(CommentsCache.class);

    private final LazyRemoteCache fragments;
    private final LazyRemoteCache counts;
    private final CommentsConfig config;
    private final Counter fragmentHits;
    private final Counter fragmentMisses;
    private final Counter countHits;
    private final Counter countMisses;
    private final CacheSpans spans;
    private final CacheAvailability availability;

    /**
     * {@code clients}: the extension's producer, asked for its default Hot Rod client (as content-service
     * does): an {@code Instance<RemoteCacheManager>} would hand out a client proxy whose construction
     * starts a second, default-configured client.
     */
    public CommentsCache(InfinispanClientProducer clients, CommentsConfig config, MeterRegistry registry, CacheSpans spans) {
        Duration retry = config.cache().retryAfter();
        this.fragments = new LazyRemoteCache(FRAGMENTS, () -> client(clients).getCache(FRAGMENTS), Infrastructure.getDefaultWorkerPool(), retry);
        this.counts = new LazyRemoteCache(COUNTS, () -> client(clients).getCache(COUNTS), Infrastructure.getDefaultWorkerPool(), retry);
        this.config = config;
        this.fragmentHits = requests(registry, FRAGMENTS, "hit");
        this.fragmentMisses = requests(registry, FRAGMENTS, "miss");
        this.countHits = requests(registry, COUNTS, "hit");
        this.countMisses = requests(registry, COUNTS, "miss");
        this.spans = spans;
        this.availability = new CacheAvailability("comments-service", this::client, List.of(FRAGMENTS, COUNTS),
                config.cache().probeEvery(), config.cache().timeout());
    }

    @PreDestroy
    void stop() {
        availability.close();
    }

    /**
     * The Hot Rod client of the obtained caches, for the availability probe (on its own thread); null
     * until a cache is obtained, which this starts in the background (reads skip the cache meanwhile).
     */
    private static RemoteCacheManager client(InfinispanClientProducer clients) {
        return clients.getNamedRemoteCacheManager(InfinispanClientUtil.DEFAULT_INFINISPAN_CLIENT_NAME);
    }

    private RemoteCacheContainer client() {
        fragments.obtainAsync();
        counts.obtainAsync();
        RemoteCache<String, String> obtained = fragments.current();
        return obtained == null ? null : obtained.getRemoteCacheContainer();
    }

    /** Connects in the background at boot, so the first requests find the caches ready. */
    void warmUp(@Observes StartupEvent ignored) {
        fragments.obtainAsync();
        counts.obtainAsync();
    }

    private static Counter requests(MeterRegistry registry, String cache, String result) {
        return Counter.builder("manchete.cache.requests")
                .description("Cache lookups by cache and result")
                .tag("service", "comments")
                .tag("cache", cache)
                .tag("result", result)
                .register(registry);
    }

    /** The rendered first page of an article's comments, or null (miss or cache unavailable). */
    public Uni<String> fragment(String slug) {
        return read(fragments, c -> c.getAsync(slug))
                .invoke(v -> (v == null ? fragmentMisses : fragmentHits).increment());
    }

    /** The visible count of an article, or null (miss or cache unavailable). */
    public Uni<Long> count(String slug) {
        return read(counts, c -> c.getAsync(slug))
                .map(CommentsCache::parseCount)
                .invoke(v -> (v == null ? countMisses : countHits).increment());
    }

    /** Fills after a read from the database; never overwrites a value a writer put meanwhile. */
    public Uni<Void> fillFragment(String slug, String html) {
        return call("putIfAbsent", fragments, c -> c.putIfAbsentAsync(slug, html, lifespan(true), TimeUnit.MILLISECONDS))
                .replaceWithVoid();
    }

    public Uni<Void> fillCount(String slug, long count) {
        return call("putIfAbsent", counts, c -> c.putIfAbsentAsync(slug, Long.toString(count), lifespan(false), TimeUnit.MILLISECONDS))
                .replaceWithVoid();
    }

    /**
     * After a write: replaces both entries with values read after the commit. If the cache refuses
     * the new values, removes the old ones so no reader keeps seeing them.
     */
    public Uni<Void> refresh(String slug, String html, long count) {
        return call("put", fragments, c -> c.putAsync(slug, html, lifespan(true), TimeUnit.MILLISECONDS).thenApply(ignored -> Boolean.TRUE), true)
                .chain(ok -> ok == null ? Uni.createFrom().item((Boolean) null)
                        : call("put", counts, c -> c.putAsync(slug, Long.toString(count), lifespan(false), TimeUnit.MILLISECONDS)
                                .thenApply(ignored -> Boolean.TRUE), true))
                .chain(ok -> ok == null ? evict(slug) : Uni.createFrom().voidItem());
    }

    public Uni<Void> evict(String slug) {
        return call("remove", fragments, c -> c.removeAsync(slug), true)
                .chain(ignored -> call("remove", counts, c -> c.removeAsync(slug), true))
                .replaceWithVoid();
    }

    private long lifespan(boolean fragment) {
        return (fragment ? config.cache().fragmentLifespan() : config.cache().countLifespan()).toMillis();
    }

    /** A read: a hit when it answers a value. */
    private Uni<String> read(LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<String>> call) {
        return call("get", cache, call, false, Objects::nonNull);
    }

    /** Runs one Hot Rod call with a deadline; any failure becomes null. Emits on the caller's context. */
    private <T> Uni<T> call(String operation, LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<T>> call) {
        return call(operation, cache, call, false, null);
    }

    /** {@code write}: a refresh or eviction after a database write, tried even while reads skip the cache. */
    private <T> Uni<T> call(String operation, LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<T>> call,
                            boolean write) {
        return call(operation, cache, call, write, null);
    }

    /** {@code hit}: for reads, whether an answer is a hit (null for writes); see {@link CacheSpans}. */
    private <T> Uni<T> call(String operation, LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<T>> call,
                            boolean write, Predicate<T> hit) {
        if (!write && !availability.readable()) {
            return Uni.createFrom().nullItem(); // a read or a fill: skipped while Infinispan is out of use
        }
        long timeout = config.cache().timeout().toMillis();
        return spans.trace(operation, cache.name(), OnContext.await(() -> cache.run(call, timeout)), hit)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Infinispan %s on %s failed, falling back to the database: %s", operation, cache.name(), failure.toString());
                    availability.failed(failure);
                    return null;
                });
    }

    /**
     * True when Infinispan is in use and both caches answer within the timeout, asked one after the
     * other (a plain read of a key nobody writes, neither counted nor traced). While Infinispan is out
     * of use after a failure this answers false at once, without a call: several calls at a time to a
     * cache the server lost (an empty restart) stall the one Hot Rod connection — each error answer
     * holds back the answers behind it — until the probe has created the cache again. A failed ping
     * takes Infinispan out of use (and so starts the probe).
     */
    public Uni<Boolean> reachable() {
        if (!availability.readable()) {
            return Uni.createFrom().item(false);
        }
        return ping(fragments).chain(up -> up ? ping(counts) : Uni.createFrom().item(false));
    }

    private Uni<Boolean> ping(LazyRemoteCache cache) {
        long timeout = config.cache().timeout().toMillis();
        return OnContext.await(() -> cache.run(c -> c.getAsync("ping:readiness"), timeout))
                .map(ignored -> true)
                .onFailure().recoverWithItem(failure -> {
                    availability.failed(failure);
                    return false;
                });
    }

    private static Long parseCount(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
