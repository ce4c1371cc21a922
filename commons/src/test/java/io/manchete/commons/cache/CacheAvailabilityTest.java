package io.manchete.commons.cache;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads skip a failed Infinispan until the background probe gets through again. */
class CacheAvailabilityTest {

    /** A Hot Rod client whose caches answer every get, or fail it while {@code down}. */
    private static RemoteCacheContainer client(AtomicBoolean down) {
        RemoteCache<?, ?> cache = (RemoteCache<?, ?>) Proxy.newProxyInstance(CacheAvailabilityTest.class.getClassLoader(),
                new Class<?>[] {RemoteCache.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAsync")) {
                        return down.get() ? CompletableFuture.failedFuture(new IllegalStateException("connection refused"))
                                : CompletableFuture.completedFuture(null);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (RemoteCacheContainer) Proxy.newProxyInstance(CacheAvailabilityTest.class.getClassLoader(),
                new Class<?>[] {RemoteCacheContainer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getCache")) {
                        return cache;
                    }
                    if (method.getName().equals("getCacheNames")) {
                        if (down.get()) {
                            throw new IllegalStateException("connection refused");
                        }
                        return java.util.Set.of("a", "b");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aFailureSkipsReadsUntilTheProbeGetsThrough() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        try (CacheAvailability availability = new CacheAvailability("test", () -> client(down), List.of("a", "b"),
                Duration.ofMillis(50), Duration.ofMillis(200))) {
            assertTrue(availability.readable());
            availability.failed(new IllegalStateException("connection refused"));
            assertFalse(availability.readable());
            Thread.sleep(300);
            assertFalse(availability.readable(), "still down: the probe fails too");
            down.set(false);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!availability.readable() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(availability.readable(), "back once every cache answers the probe");
        }
    }

    @Test
    void tellsAMissingCacheFromOtherFailures() {
        assertTrue(CacheAvailability.cacheNotFound(new RuntimeException("wrapped", new IllegalStateException(
                "Request for messageId=9 returned server error (status=0x84): org.infinispan.server.hotrod."
                        + "CacheNotFoundException: Cache with name 'x' not found amongst the configured caches"))));
        assertFalse(CacheAvailability.cacheNotFound(new IllegalStateException("Connection refused")));
    }
}
