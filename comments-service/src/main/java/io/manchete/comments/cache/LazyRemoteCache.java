package io.manchete.comments.cache;

import org.infinispan.client.hotrod.RemoteCache;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A remote cache obtained on first use instead of at boot. Quarkus initialises every
 * {@code @Remote RemoteCache} bean eagerly at startup, so an Infinispan that is down at boot would
 * stop the service from starting at all; here the (blocking) {@code getCache} runs on a worker
 * thread, at most one attempt at a time, and after a failure not again before {@code retryAfter}.
 * Skipping the cache while Infinispan is away is {@code CommentsCache}'s (commons {@code CacheAvailability}).
 */
final class LazyRemoteCache {
    private static final Logger LOG = Logger.getLogger(LazyRemoteCache.class);

    private final String name;
    private final Supplier<RemoteCache<String, String>> lookup;
    private final Executor executor;
    private final long retryAfterNanos;
    private volatile RemoteCache<String, String> cache;
    private CompletableFuture<RemoteCache<String, String>> pending;
    private long notBefore;

    /** {@code lookup} is blocking (e.g. {@code RemoteCacheManager.getCache}); it runs on {@code executor}. */
    LazyRemoteCache(String name, Supplier<RemoteCache<String, String>> lookup, Executor executor, Duration retryAfter) {
        this.name = name;
        this.lookup = lookup;
        this.executor = executor;
        this.retryAfterNanos = retryAfter.toNanos();
    }

    String name() {
        return name;
    }

    /** The cache once obtained, else null. */
    RemoteCache<String, String> current() {
        return cache;
    }

    /**
     * Runs one operation on the cache within {@code timeoutMillis}. Fails at once while the cache
     * cannot be obtained. Never blocks the caller.
     */
    <T> CompletableFuture<T> run(Function<RemoteCache<String, String>, CompletableFuture<T>> operation, long timeoutMillis) {
        RemoteCache<String, String> ready = cache;
        if (ready == null) {
            return obtainAsync().thenCompose(c -> guarded(c, operation, timeoutMillis)).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        return guarded(ready, operation, timeoutMillis);
    }

    private static <T> CompletableFuture<T> guarded(RemoteCache<String, String> c,
                                                    Function<RemoteCache<String, String>, CompletableFuture<T>> operation,
                                                    long timeoutMillis) {
        CompletableFuture<T> result;
        try {
            result = operation.apply(c);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        // the timeout completes a copy, never the Hot Rod operation's own future: the client closes its
        // connection (failing every call on it) when the server's answer to a completed operation is an
        // error, e.g. "cache not found" from a slow server restarted empty (ISPN004077)
        return result.copy().orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts obtaining the cache (in the background) unless it is there or was just tried. */
    CompletableFuture<RemoteCache<String, String>> obtainAsync() {
        synchronized (this) {
            if (cache != null) {
                return CompletableFuture.completedFuture(cache);
            }
            if (pending != null) {
                return pending;
            }
            if (notBefore != 0 && System.nanoTime() - notBefore < 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("cache " + name + " unavailable"));
            }
            CompletableFuture<RemoteCache<String, String>> attempt = CompletableFuture.supplyAsync(this::obtain, executor);
            pending = attempt;
            attempt.whenComplete((c, failure) -> settle(attempt, c, failure));
            return attempt;
        }
    }

    private RemoteCache<String, String> obtain() {
        RemoteCache<String, String> c = lookup.get();
        if (c == null) {
            throw new IllegalStateException("Infinispan has no cache " + name);
        }
        return c;
    }

    private synchronized void settle(CompletableFuture<RemoteCache<String, String>> attempt, RemoteCache<String, String> c, Throwable failure) {
        if (pending == attempt) {
            pending = null;
        }
        if (c != null) {
            cache = c;
        } else {
            notBefore = System.nanoTime() + retryAfterNanos;
            LOG.warnf("Infinispan cache %s unavailable, serving from the database: %s", name, String.valueOf(failure));
        }
    }
}
