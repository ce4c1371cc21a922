package io.manchete.pages.cache;

import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.commons.reactive.OnContext;
import io.manchete.pages.config.PagesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.infinispan.client.Remote;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.infinispan.client.hotrod.RemoteCache;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

    private final Map<String, RemoteCache<String, String>> caches;
    private final MeterRegistry registry;
    private final long timeoutMillis;
    private final ScheduledExecutorService timer;
    private final CacheSpans spans;

    public PageCaches(@Remote(LAYOUTS) RemoteCache<String, String> layouts,
                      @Remote(FRONTS) RemoteCache<String, String> fronts,
                      @Remote(ASSETS) RemoteCache<String, String> assets,
                      @Remote(NAVIGATION) RemoteCache<String, String> navigation,
                      MeterRegistry registry, PagesConfig config, CacheSpans spans) {
        this.caches = Map.of(LAYOUTS, layouts, FRONTS, fronts, ASSETS, assets, NAVIGATION, navigation);
        this.registry = registry;
        this.timeoutMillis = config.cache().timeout().toMillis();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "pages-cache-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
        this.spans = spans;
    }

    /**
     * Entries written by an earlier run may describe another database (a re-seed, a new migration):
     * start from empty caches. Blocking is fine here, on the main thread before traffic.
     */
    void onStart(@Observes StartupEvent event) {
        for (String name : List.of(LAYOUTS, FRONTS, ASSETS, NAVIGATION)) {
            try {
                caches.get(name).clearAsync().get(Math.max(timeoutMillis, 5000), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warnf("could not clear Infinispan cache %s at startup (%s): reads fall back to the database",
                        name, e.toString());
            }
        }
    }

    /** The cached value, or null on a miss or when Infinispan does not answer in time. */
    public Uni<String> get(String cache, String key) {
        return spans.trace("get", cache, OnContext.await(() -> bounded(() -> caches.get(cache).getAsync(key))), Objects::nonNull)
                .onItem().invoke(value -> count(cache, value == null ? "miss" : "hit"))
                .onFailure().recoverWithItem(e -> {
                    count(cache, "error");
                    LOG.debugf("Infinispan read %s/%s failed: %s", cache, key, e.toString());
                    return null;
                });
    }

    public Uni<Void> put(String cache, String key, String value, Duration lifespan) {
        return quietly(cache, "put", key,
                () -> caches.get(cache).putAsync(key, value, lifespan.toMillis(), TimeUnit.MILLISECONDS));
    }

    public Uni<Void> remove(String cache, Collection<String> keys) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String key : keys) {
            chain = chain.chain(() -> quietly(cache, "remove", key, () -> caches.get(cache).removeAsync(key)));
        }
        return chain;
    }

    public Uni<Void> clear(String cache) {
        return quietly(cache, "clear", null, () -> caches.get(cache).clearAsync());
    }

    /**
     * Cache first; on a miss (or an unreachable cache) the loader reads the database and its answer
     * goes into the cache. A null from the loader is not cached.
     */
    public Uni<String> readThrough(String cache, String key, Duration lifespan, Supplier<Uni<String>> loader) {
        return get(cache, key).chain(cached -> cached != null
                ? Uni.createFrom().item(cached)
                : loader.get().call(loaded -> loaded == null ? Uni.createFrom().voidItem() : put(cache, key, loaded, lifespan)));
    }

    /**
     * True when every cache answers within the timeout: a plain read of a key nobody writes, neither
     * counted nor traced.
     */
    public Uni<Boolean> reachable() {
        List<Uni<Boolean>> pings = List.of(ping(LAYOUTS), ping(FRONTS), ping(ASSETS), ping(NAVIGATION));
        return Uni.combine().all().unis(pings).with(results -> results.stream().allMatch(Boolean.TRUE::equals));
    }

    private Uni<Boolean> ping(String cache) {
        return OnContext.await(() -> bounded(() -> caches.get(cache).getAsync("ping:readiness")))
                .map(ignored -> true)
                .onFailure().recoverWithItem(false);
    }

    private <T> Uni<Void> quietly(String cache, String operation, String key, Supplier<? extends CompletionStage<T>> call) {
        return spans.trace(operation, cache, OnContext.await(() -> bounded(call)), null).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Infinispan %s on %s failed: %s", key == null ? operation : operation + " " + key, cache, e.toString());
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
        timer.shutdownNow();
    }

    private void count(String cache, String result) {
        registry.counter("manchete.cache.requests", "service", "pages", "cache", cache, "result", result).increment();
    }

}
