package io.manchete.pages.cache;

import io.manchete.commons.cache.CacheAvailability;
import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.commons.reactive.OnContext;
import io.manchete.pages.config.PagesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.quarkus.infinispan.client.runtime.InfinispanClientProducer;
import io.quarkus.infinispan.client.runtime.InfinispanClientUtil;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's own Infinispan caches (Hot Rod, String → JSON/base64 String). Every call is bounded
 * by {@code manchete.pages.cache.timeout} and never fails the caller: when Infinispan is slow or down
 * a read is a miss (counted as {@code result=error}) and the database answers; a write is skipped.
 * Results come back on the caller's Vert.x context (commons {@link OnContext}), ready for Hibernate Reactive.
 * Reads are counted in {@code manchete.cache.requests{service=pages, cache, result=hit|miss|error}}; every
 * call is a client span of the request's trace ({@link CacheSpans}).
 *
 * <p>After a failed call, reads and read-through fills skip Infinispan at once until a background
 * probe gets through again, so an Infinispan that is down costs no request its timeout; writes that
 * replace or remove entries are still tried. A cache the server lost (restarted empty) is created
 * again by that probe ({@link CacheAvailability}).
 *
 * <p>The caches are obtained from the Hot Rod client in the background, not injected: Quarkus creates
 * every injected {@code @Remote} cache eagerly at boot, and with Infinispan unreachable the service
 * would then not start at all. Until a cache is obtained (at boot; again once the probe finds
 * Infinispan answering) reads of it are misses and writes to it are skipped, at once.
 */
@ApplicationScoped
public class PageCaches {
    /** Rendered layout JSON per route key ({@code home}, {@code section:world}, …). */
    public static final String LAYOUTS = "pages-layouts";
    /** The navigation (sections in menu order) under the key {@code sections}. */
    public static final String NAVIGATION = "pages-navigation";
    /** Front JSON per front name. */
    public static final String FRONTS = "pages-fronts";
    /** The asset index ({@code index}) and asset contents by hash ({@code content:<sha256>}, base64). */
    public static final String ASSETS = "pages-assets";

    private static final Logger LOG = Logger.getLogger(PageCaches.class);

    private static final List<String> NAMES = List.of(LAYOUTS, FRONTS, ASSETS, NAVIGATION);

    /** The caches obtained so far (all four when Infinispan was reachable once). */
    private final Map<String, RemoteCache<String, String>> caches = new ConcurrentHashMap<>();
    private final Supplier<RemoteCacheManager> manager;
    private final MeterRegistry registry;
    private final long timeoutMillis;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService connector;
    private final CacheSpans spans;
    private final CacheAvailability availability;
    private final java.util.concurrent.atomic.AtomicBoolean connecting = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * {@code clients}: the extension's producer, asked for its default Hot Rod client (as content-service
     * does): an {@code Instance<RemoteCacheManager>} would hand out a client proxy whose construction
     * starts a second, default-configured client.
     */
    @Inject
    public PageCaches(InfinispanClientProducer clients, MeterRegistry registry, PagesConfig config, CacheSpans spans) {
        this(Map.of(), registry, config, spans,
                () -> clients.getNamedRemoteCacheManager(InfinispanClientUtil.DEFAULT_INFINISPAN_CLIENT_NAME));
    }

    /** {@code manager}: the Hot Rod client, for the background probe (tests pass one that fails). */
    public PageCaches(RemoteCache<String, String> layouts, RemoteCache<String, String> fronts,
                      RemoteCache<String, String> assets, RemoteCache<String, String> navigation,
                      MeterRegistry registry, PagesConfig config, CacheSpans spans) {
        this(Map.of(LAYOUTS, layouts, FRONTS, fronts, ASSETS, assets, NAVIGATION, navigation), registry, config, spans, () -> {
            throw new IllegalStateException("no Hot Rod client");
        });
    }

    private PageCaches(Map<String, RemoteCache<String, String>> obtained, MeterRegistry registry, PagesConfig config,
                       CacheSpans spans, Supplier<RemoteCacheManager> manager) {
        this.caches.putAll(obtained);
        this.manager = manager;
        this.registry = registry;
        this.timeoutMillis = config.cache().timeout().toMillis();

        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "pages-cache-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
        ScheduledThreadPoolExecutor connecting = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "pages-cache-connect");
            thread.setDaemon(true);
            return thread;
        });
        connecting.setRemoveOnCancelPolicy(true);
        this.connector = connecting;
        this.spans = spans;
        this.availability = new CacheAvailability("page-service", manager, NAMES,
                config.cache().probeEvery(), config.cache().timeout());
    }

    /** Obtains the caches in the background: the service starts, and serves, whether Infinispan answers or not. */
    void onStart(@Observes StartupEvent event) {
        connectInBackground();
    }

    private void connectInBackground() {
        if (connecting.compareAndSet(false, true)) {
            try {
                connector.execute(this::connect);
            } catch (RuntimeException stopping) {
                connecting.set(false);
            }
        }
    }

    /**
     * On its own thread, never on a request path ({@code getCache} blocks): obtains each cache
     * not obtained yet and empties it (entries written by an earlier run may describe another
     * database: a re-seed, a new migration). A failure hands over to {@link CacheAvailability}'s
     * probe; once that finds Infinispan answering, the next call asks for another attempt.
     */
    private void connect() {
        try {
            connectMissing();
        } finally {
            connecting.set(false);
        }
    }

    private void connectMissing() {
        for (String name : NAMES) {
            if (caches.containsKey(name)) {
                continue;
            }
            try {
                RemoteCache<String, String> cache = manager.get().getCache(name);
                if (cache == null) {
                    throw new IllegalStateException("Infinispan has no cache " + name);
                }
                cache.clearAsync().get(Math.max(timeoutMillis, 5000), TimeUnit.MILLISECONDS);
                caches.put(name, cache);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                availability.failed(e);
                LOG.debugf("Infinispan cache %s not obtained yet: %s", name, e.toString());
                return; // one failure is enough to know: the probe takes over
            }
        }
    }

    /**
     * Whether the cache has been obtained; if not, and Infinispan seems reachable, asks for another
     * attempt in the background. Never blocks.
     */
    private boolean connected(String name) {
        if (caches.containsKey(name)) {
            return true;
        }
        if (availability.readable()) {
            connectInBackground();
        }
        return false;
    }

    private RemoteCache<String, String> cache(String name) {
        RemoteCache<String, String> cache = caches.get(name);
        if (cache == null) {
            throw new IllegalStateException("Infinispan cache " + name + " not connected");
        }
        return cache;
    }

    /** The cached value, or null on a miss or when Infinispan does not answer in time. */
    public Uni<String> get(String cache, String key) {
        if (!availability.readable() || !connected(cache)) {
            count(cache, "error");
            return Uni.createFrom().nullItem();
        }
        return spans.trace("get", cache, OnContext.await(() -> bounded(() -> cache(cache).getAsync(key))), Objects::nonNull)
                .onItem().invoke(value -> count(cache, value == null ? "miss" : "hit"))
                .onFailure().recoverWithItem(e -> {
                    count(cache, "error");
                    availability.failed(e);
                    LOG.debugf("Infinispan read %s/%s failed: %s", cache, key, e.toString());
                    return null;
                });
    }

    public Uni<Void> put(String cache, String key, String value, Duration lifespan) {
        return quietly(cache, "put", key,
                () -> cache(cache).putAsync(key, value, lifespan.toMillis(), TimeUnit.MILLISECONDS));
    }

    public Uni<Void> remove(String cache, Collection<String> keys) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String key : keys) {
            chain = chain.chain(() -> quietly(cache, "remove", key, () -> cache(cache).removeAsync(key)));
        }
        return chain;
    }

    public Uni<Void> clear(String cache) {
        return quietly(cache, "clear", null, () -> cache(cache).clearAsync());
    }

    /**
     * Cache first; on a miss (or an unreachable cache) the loader reads the database and its answer
     * goes into the cache (not while Infinispan is out of use after a failure). A null from the loader
     * is not cached.
     */
    public Uni<String> readThrough(String cache, String key, Duration lifespan, Supplier<Uni<String>> loader) {
        return get(cache, key).chain(cached -> cached != null
                ? Uni.createFrom().item(cached)
                : loader.get().call(loaded -> loaded == null || !availability.readable() ? Uni.createFrom().voidItem()
                        : put(cache, key, loaded, lifespan)));
    }

    /**
     * True when Infinispan is in use and every cache answers within the timeout, asked one after the
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
        Uni<Boolean> all = Uni.createFrom().item(true);
        for (String name : NAMES) {
            all = all.chain(up -> up ? ping(name) : Uni.createFrom().item(false));
        }
        return all;
    }

    private Uni<Boolean> ping(String cache) {
        if (!connected(cache)) {
            return Uni.createFrom().item(false);
        }
        return OnContext.await(() -> bounded(() -> cache(cache).getAsync("ping:readiness")))
                .map(ignored -> true)
                .onFailure().recoverWithItem(e -> {
                    availability.failed(e);
                    return false;
                });
    }

    private <T> Uni<Void> quietly(String cache, String operation, String key, Supplier<? extends CompletionStage<T>> call) {
        if (!connected(cache)) {
            return Uni.createFrom().voidItem(); // nothing cached in it yet, so nothing stale to replace or remove
        }
        return spans.trace(operation, cache, OnContext.await(() -> bounded(call)), null).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    // one warning when Infinispan starts failing (CacheAvailability), not one per write while it is down
                    LOG.debugf("Infinispan %s on %s failed: %s", key == null ? operation : operation + " " + key, cache, e.toString());
                    availability.failed(e);
                    return null;
                });
    }

    /**
     * Fails the operation once the timeout passes. The timer is the cache's own thread rather than
     * {@code CompletableFuture.orTimeout}'s JVM-wide one, whose context class loader is whichever
     * application happened to start it first.
     */
    private <T> CompletionStage<T> bounded(Supplier<? extends CompletionStage<T>> operation) {
        CompletionStage<T> stage = operation.get();
        CompletableFuture<T> result = new CompletableFuture<>();
        ScheduledFuture<?> timeout = timer.schedule(() -> result.completeExceptionally(
                new TimeoutException("no answer from Infinispan within " + timeoutMillis + " ms")), timeoutMillis, TimeUnit.MILLISECONDS);
        stage.whenComplete((value, failure) -> {
            timeout.cancel(false);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    @PreDestroy
    void stop() {
        connector.shutdownNow();
        timer.shutdownNow();
        availability.close();
    }

    private void count(String cache, String result) {
        registry.counter("manchete.cache.requests", "service", "pages", "cache", cache, "result", result).increment();
    }

}
