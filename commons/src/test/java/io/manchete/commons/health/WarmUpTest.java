package io.manchete.commons.health;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up against a small Vert.x server: DOWN until the requests were answered (errors count),
 * the paths asked in turn, never more at once than the concurrency; UP after max-time whatever happens.
 */
class WarmUpTest {
    private Vertx vertx;
    private HttpServer server;
    private final Map<String, AtomicInteger> requested = new ConcurrentHashMap<>();
    private final Set<String> agents = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    @BeforeEach
    void server() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            requested.computeIfAbsent(request.uri(), k -> new AtomicInteger()).incrementAndGet();
            agents.add(request.getHeader("User-Agent") + " " + request.getHeader("traceparent"));
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            AtomicBoolean over = new AtomicBoolean();
            Runnable end = () -> {
                if (over.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                }
            };
            request.response().endHandler(v -> end.run());
            request.response().closeHandler(v -> end.run());
            switch (request.path()) {
                case "/hang" -> { } // never answers
                case "/broken" -> request.connection().close();
                case "/missing" -> vertx.setTimer(5, id -> request.response().setStatusCode(404).end("no"));
                default -> vertx.setTimer(5, id -> request.response().end("ok"));
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private WarmUp warmUp(List<String> paths, int requests, Duration maxTime) {
        return new WarmUp(vertx, true, Optional.of(paths), requests, 2, maxTime);
    }

    private static boolean up(WarmUp warmUp) {
        HealthCheckResponse response = warmUp.call();
        assertEquals("Warm-up", response.getName());
        return response.getStatus() == HealthCheckResponse.Status.UP;
    }

    private static void await(BooleanSupplier condition, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "not within " + atMost);
    }

    @Test
    void downUntilEveryRequestIsAnsweredThenUpForGood() throws Exception {
        WarmUp warmUp = warmUp(List.of("/a?x=1", "/missing", "/broken"), 12, Duration.ofSeconds(30));
        warmUp.start();
        assertFalse(up(warmUp), "down before the warm-up");
        warmUp.warmUp("127.0.0.1", server.actualPort());
        await(() -> up(warmUp), Duration.ofSeconds(10));
        assertEquals(4, requested.get("/a?x=1").get(), "each path in turn: " + requested);
        assertEquals(4, requested.get("/missing").get(), "a 404 counts: " + requested);
        assertEquals(4, requested.get("/broken").get(), "a failed request counts: " + requested);
        assertTrue(maxInFlight.get() <= 2, "at most the concurrency at once: " + maxInFlight.get());
        assertEquals("12 of 12", warmUp.call().getData().orElseThrow().get("answered"));
        assertEquals(Set.of("manchete-warm-up 00-5761726d2d7570000000000000000001-5761726d75703031-00"), agents,
                "named, and not traced (sampled flag off)");
        warmUp.warmUp("127.0.0.1", server.actualPort());
        Thread.sleep(100);
        assertEquals(12, requested.values().stream().mapToInt(AtomicInteger::get).sum(), "once only");
        assertTrue(up(warmUp));
    }

    @Test
    void upAfterMaxTimeWhenAnswersDoNotCome() throws Exception {
        long began = System.nanoTime();
        WarmUp warmUp = warmUp(List.of("/hang"), 30, Duration.ofMillis(1500));
        warmUp.start();
        warmUp.warmUp("127.0.0.1", server.actualPort());
        assertFalse(up(warmUp), "waiting for answers");
        await(() -> up(warmUp), Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - began >= Duration.ofMillis(1500).toNanos(), "not before max-time");
        int asked = requested.getOrDefault("/hang", new AtomicInteger()).get();
        assertTrue(asked >= 1 && asked <= 2, "only the first two went out: " + asked);
    }

    @Test
    void upAfterMaxTimeWhenTheServerNeverListens() throws Exception {
        WarmUp warmUp = warmUp(List.of("/a"), 30, Duration.ofMillis(1000));
        warmUp.start();
        assertFalse(up(warmUp));
        await(() -> up(warmUp), Duration.ofSeconds(5));
        warmUp.warmUp("127.0.0.1", server.actualPort()); // too late: nothing is sent
        Thread.sleep(100);
        assertTrue(requested.isEmpty(), requested.toString());
    }

    @Test
    void upAtOnceWhenDisabledOrWithoutPaths() {
        assertTrue(up(new WarmUp(vertx, false, Optional.of(List.of("/a")), 30, 2, Duration.ofSeconds(15))));
        assertTrue(up(new WarmUp(vertx, true, Optional.empty(), 30, 2, Duration.ofSeconds(15))));
        assertTrue(new WarmUp(vertx, true, Optional.empty(), 30, 2, Duration.ofSeconds(15)).call().getData().isEmpty());
    }
}
