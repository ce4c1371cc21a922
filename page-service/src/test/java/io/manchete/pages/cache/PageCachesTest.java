package io.manchete.pages.cache;

import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.pages.config.PagesConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.mutiny.Uni;
import org.infinispan.client.hotrod.RemoteCache;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-through rules without Quarkus: a working cache, one that fails, one that hangs; their spans. */
class PageCachesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger loads = new AtomicInteger();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final Tracer tracer = tracing.get("test");

    /** A RemoteCache backed by a map, or failing/hanging on every call. */
    @SuppressWarnings("unchecked")
    private static RemoteCache<String, String> cache(String mode, Map<String, String> store) {
        return (RemoteCache<String, String>) Proxy.newProxyInstance(PageCachesTest.class.getClassLoader(),
                new Class<?>[]{RemoteCache.class}, (proxy, method, args) -> {
                    if (mode.equals("down")) {
                        return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
                    }
                    if (mode.equals("hanging")) {
                        return new CompletableFuture<>();
                    }
                    return switch (method.getName()) {
                        case "getAsync" -> CompletableFuture.completedFuture(store.get((String) args[0]));
                        case "putAsync" -> CompletableFuture.completedFuture(store.put((String) args[0], (String) args[1]));
                        case "removeAsync" -> CompletableFuture.completedFuture(store.remove((String) args[0]));
                        case "clearAsync" -> {
                            store.clear();
                            yield CompletableFuture.completedFuture(null);
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }

    private PageCaches caches(String mode, Map<String, String> store) {
        RemoteCache<String, String> remote = cache(mode, store);
        return new PageCaches(remote, remote, remote, remote, registry, config(), new CacheSpans(tracer));
    }

    private Uni<String> loader() {
        return Uni.createFrom().item(() -> "from-db-" + loads.incrementAndGet());
    }

    private double count(String result) {
        var counter = registry.find("manchete.cache.requests").tags("cache", PageCaches.LAYOUTS, "result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aMissLoadsOnceThenHits() {
        Map<String, String> store = new ConcurrentHashMap<>();
        PageCaches caches = caches("up", store);
        assertEquals("from-db-1", caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().indefinitely());
        assertEquals("from-db-1", caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().indefinitely());
        assertEquals(1, loads.get());
        assertEquals(1, count("miss"));
        assertEquals(1, count("hit"));

        caches.remove(PageCaches.LAYOUTS, java.util.List.of("home")).await().indefinitely();
        assertEquals("from-db-2", caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().indefinitely());
    }

    @Test
    void whenInfinispanIsDownTheDatabaseAnswers() {
        PageCaches caches = caches("down", new ConcurrentHashMap<>());
        assertEquals("from-db-1", caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().atMost(Duration.ofSeconds(5)));
        assertEquals("from-db-2", caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().atMost(Duration.ofSeconds(5)));
        assertEquals(2, count("error"));
        assertEquals(0, count("hit"));
        caches.clear(PageCaches.LAYOUTS).await().atMost(Duration.ofSeconds(5)); // a failed eviction does not fail the write
    }

    @Test
    void aHangingInfinispanIsGivenUpAfterTheTimeout() {
        PageCaches caches = caches("hanging", new ConcurrentHashMap<>());
        long start = System.nanoTime();
        assertEquals("from-db-1", caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().atMost(Duration.ofSeconds(5)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2000, "get and put are each bounded by the 200 ms timeout, took " + millis + " ms");
        assertEquals(1, count("error"));
    }

    @Test
    void eachCallIsAClientSpanOfTheCurrentTrace() {
        PageCaches caches = caches("up", new ConcurrentHashMap<>());
        Span request = tracer.spanBuilder("GET /api/v1/layouts/home").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent()) {
            caches.readThrough(PageCaches.LAYOUTS, "home", Duration.ofMinutes(1), this::loader).await().indefinitely();
            caches.get(PageCaches.LAYOUTS, "home").await().indefinitely();
        } finally {
            request.end();
        }
        List<SpanData> finished = spans.getFinishedSpanItems();
        List<String> names = finished.stream().map(SpanData::getName).toList();
        assertEquals(List.of("infinispan get pages-layouts", "infinispan put pages-layouts", "infinispan get pages-layouts",
                "GET /api/v1/layouts/home"), names);
        for (SpanData span : finished.subList(0, 3)) {
            assertEquals(request.getSpanContext().getSpanId(), span.getParentSpanId(), span.getName());
            assertEquals(request.getSpanContext().getTraceId(), span.getTraceId());
            assertEquals(SpanKind.CLIENT, span.getKind());
            assertEquals("infinispan", span.getAttributes().get(CacheSpans.DB_SYSTEM));
            assertEquals(PageCaches.LAYOUTS, span.getAttributes().get(CacheSpans.CACHE_NAME));
        }
        assertEquals(Boolean.FALSE, finished.get(0).getAttributes().get(CacheSpans.CACHE_HIT));
        assertNull(finished.get(1).getAttributes().get(CacheSpans.CACHE_HIT), "a write has no hit");
        assertEquals(Boolean.TRUE, finished.get(2).getAttributes().get(CacheSpans.CACHE_HIT));
    }

    @Test
    void aFailedCallIsAnErrorSpanAndAMiss() {
        PageCaches caches = caches("down", new ConcurrentHashMap<>());
        Span request = tracer.spanBuilder("GET /api/v1/layouts/home").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent()) {
            caches.get(PageCaches.LAYOUTS, "home").await().atMost(Duration.ofSeconds(5));
        } finally {
            request.end();
        }
        SpanData read = spans.getFinishedSpanItems().get(0);
        assertEquals("infinispan get pages-layouts", read.getName());
        assertEquals(StatusCode.ERROR, read.getStatus().getStatusCode());
        assertEquals(Boolean.FALSE, read.getAttributes().get(CacheSpans.CACHE_HIT));
    }

    private static PagesConfig config() {
        return new PagesConfig() {
            public String editorToken() {
                return "t";
            }

            public Layout layout() {
                return () -> 300;
            }

            public Cache cache() {
                return new Cache() {
                    public Duration layoutLifespan() {
                        return Duration.ofMinutes(10);
                    }

                    public Duration frontLifespan() {
                        return Duration.ofMinutes(10);
                    }

                    public Duration assetLifespan() {
                        return Duration.ofHours(1);
                    }

                    public Duration timeout() {
                        return Duration.ofMillis(200);
                    }

                    public Duration probeEvery() {
                        return Duration.ofSeconds(1);
                    }
                };
            }

            public Asset asset() {
                return () -> 1024;
            }
        };
    }
}
