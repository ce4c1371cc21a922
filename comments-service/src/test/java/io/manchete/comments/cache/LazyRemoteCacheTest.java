package io.manchete.comments.cache;

import org.infinispan.client.hotrod.RemoteCache;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LazyRemoteCacheTest {
    @SuppressWarnings("unchecked")
    private static final RemoteCache<String, String> CACHE = (RemoteCache<String, String>) Proxy.newProxyInstance(
            LazyRemoteCacheTest.class.getClassLoader(), new Class<?>[] {RemoteCache.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });

    private static final Function<RemoteCache<String, String>, CompletableFuture<String>> OK =
            c -> CompletableFuture.completedFuture("value");
    private static final Function<RemoteCache<String, String>, CompletableFuture<String>> HANGS = c -> new CompletableFuture<>();

    private static String await(CompletableFuture<String> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void looksTheCacheUpOnceAndOffTheCallersThread() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        Thread caller = Thread.currentThread();
        LazyRemoteCache lazy = new LazyRemoteCache("c", () -> {
            lookups.incrementAndGet();
            assertTrue(Thread.currentThread() != caller);
            return CACHE;
        }, command -> new Thread(command).start(), Duration.ofSeconds(5));
        assertEquals("value", await(lazy.run(OK, 1000)));
        assertEquals("value", await(lazy.run(OK, 1000)));
        assertSame(CACHE, lazy.obtainAsync().get(1, TimeUnit.SECONDS));
        assertEquals(1, lookups.get());
    }

    @Test
    void failedLookupIsNotRetriedBeforeTheDelay() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        LazyRemoteCache lazy = new LazyRemoteCache("c", () -> {
            if (lookups.incrementAndGet() == 1) {
                throw new IllegalStateException("connection refused");
            }
            return CACHE;
        }, Runnable::run, Duration.ofMillis(300));
        assertThrows(ExecutionException.class, () -> await(lazy.run(OK, 1000)));
        assertThrows(ExecutionException.class, () -> await(lazy.run(OK, 1000)));
        assertEquals(1, lookups.get(), "no second lookup inside the delay");
        Thread.sleep(350);
        assertEquals("value", await(lazy.run(OK, 1000)));
        assertEquals(2, lookups.get());
    }

    @Test
    void slowOperationsTimeOut() throws Exception {
        LazyRemoteCache lazy = new LazyRemoteCache("c", () -> CACHE, Runnable::run, Duration.ofSeconds(5));
        long start = System.nanoTime();
        assertThrows(ExecutionException.class, () -> await(lazy.run(HANGS, 100)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
        assertEquals("value", await(lazy.run(OK, 1000)), "the next call is tried (skipping is CacheAvailability's)");
    }
}
