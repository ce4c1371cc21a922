package io.manchete.commons.cache;

import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.Ports;
import io.manchete.launcher.ProjectLayout;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Infinispan Server killed with kill -9, its data deleted and started again (as
 * {@code ChaosIT.killInfinispanAndStartAnEmptyOne}): the server no longer knows the caches, and the
 * service's calls meanwhile (writes are still tried, several at a time) are answered with errors.
 * The Hot Rod client stops decoding at each error answer, so answers that arrived behind it wait for
 * the next bytes from the server: every later answer then comes one behind, and a probe that only
 * pings the lost caches never sees "cache not found" within its timeout. The probe must get the
 * caches back by itself within seconds of the server being up.
 */
class CacheAvailabilityRestartTest {
    private static final List<String> CACHES = List.of("restart-a", "restart-b");
    private static final String CONFIGURATION =
            "<local-cache><encoding media-type=\"application/x-protostream\"/><memory max-count=\"1000\"/></local-cache>";
    /** The bound for "normal service resumes by itself" is 10 s; this asks for well under it. */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(8);

    private static InfinispanServer server;
    private static Path serverRoot;
    private static RemoteCacheManager client;

    @BeforeAll
    static void startServer() {
        int port = Ports.freePort();
        serverRoot = Path.of("target", "cache-availability-restart", "infinispan-" + port).toAbsolutePath();
        server = new InfinispanServer(ProjectLayout.locate(), port, serverRoot).start();
        // configured as the services are (application.properties: quarkus.infinispan-client.*)
        ConfigurationBuilder builder = new ConfigurationBuilder();
        builder.addServers(server.hosts()).clientIntelligence(ClientIntelligence.BASIC).socketTimeout(2000);
        for (String name : CACHES) {
            builder.remoteCache(name).configuration(CONFIGURATION);
        }
        client = new RemoteCacheManager(builder.build());
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aServerRestartedEmptyGetsItsCachesBackWithinSeconds() throws Exception {
        List<RemoteCache<String, String>> caches = new ArrayList<>();
        for (String name : CACHES) {
            RemoteCache<String, String> cache = client.getCache(name); // created on the server from the configuration
            cache.put("k", "before");
            caches.add(cache);
        }
        try (CacheAvailability availability = new CacheAvailability("test", () -> client, CACHES,
                Duration.ofSeconds(1), Duration.ofMillis(500))) {
            server.killAndWipe();
            calls(caches, availability); // refused: Infinispan out of use
            assertTrue(!availability.readable(), "a failed call takes Infinispan out of use");

            server.start();
            long up = System.nanoTime();
            // what the service still does meanwhile: writes (several at a time) to the caches the server lost
            calls(caches, availability);
            while (!availability.readable() && System.nanoTime() - up < BACK_WITHIN.toNanos()) {
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - up) / 1e9;
            assertTrue(availability.readable(), "Infinispan still out of use " + BACK_WITHIN.toSeconds()
                    + " s after the server was up again");
            for (RemoteCache<String, String> cache : caches) {
                cache.putAsync("k", "after").get(2, TimeUnit.SECONDS);
                assertEquals("after", cache.getAsync("k").get(2, TimeUnit.SECONDS), cache.getName());
            }
            System.out.printf("caches back %.1f s after the empty server was up%n", seconds);
        }
    }

    /** Four writes at a time to each cache, as a busy service's refreshes; a failure reported as the services do. */
    private static void calls(List<RemoteCache<String, String>> caches, CacheAvailability availability) {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (RemoteCache<String, String> cache : caches) {
                calls.add(cache.putAsync("k" + i, "v").copy().orTimeout(500, TimeUnit.MILLISECONDS)
                        .whenComplete((ignored, failure) -> {
                            if (failure != null) {
                                availability.failed(failure);
                            }
                        }));
            }
        }
        for (CompletableFuture<?> call : calls) {
            try {
                call.join();
            } catch (RuntimeException expected) {
                // counted by the availability
            }
        }
    }
}
