package io.manchete.comments.health;

import io.manchete.commons.health.WarmUp;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The warm-up (commons {@code WarmUp}, off in the other tests): readiness is DOWN, check "Warm-up", while
 * the service's own requests to the paths of {@code application.properties} are under way, and UP once
 * they have all been answered. A route in front of the others counts the warm-up's requests and holds
 * them until the test has seen readiness DOWN.
 */
@QuarkusTest
@TestProfile(WarmUpReadinessTest.WarmUpOn.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "database", value = "comments"))
class WarmUpReadinessTest {
    private static final String WARM_UP = "checks.find { it.name == 'Warm-up' }.status";

    public static class WarmUpOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the paths and the number of requests stay those of application.properties
            return Map.of("manchete.warm-up.enabled", "true", "manchete.warm-up.max-time", "2m");
        }
    }

    /** Counts the warm-up's requests (by their User-Agent) and holds them until {@link #open()}. */
    @ApplicationScoped
    public static class Gate {
        static final Map<String, AtomicInteger> REQUESTED = new ConcurrentHashMap<>();
        static final Map<Integer, AtomicInteger> STATUSES = new ConcurrentHashMap<>();
        static final Queue<Runnable> HELD = new ConcurrentLinkedQueue<>();
        static volatile boolean open;

        void routes(@Observes Router router) {
            router.route().order(-1_000).handler(ctx -> {
                if (!WarmUp.USER_AGENT.equals(ctx.request().getHeader("User-Agent"))) {
                    ctx.next();
                    return;
                }
                REQUESTED.computeIfAbsent(ctx.request().uri(), uri -> new AtomicInteger()).incrementAndGet();
                ctx.addEndHandler(v -> STATUSES.computeIfAbsent(ctx.response().getStatusCode(),
                        status -> new AtomicInteger()).incrementAndGet());
                Context context = Vertx.currentContext();
                synchronized (Gate.class) {
                    if (!open) {
                        HELD.add(() -> context.runOnContext(v -> ctx.next()));
                        return;
                    }
                }
                ctx.next();
            });
        }

        static void open() {
            synchronized (Gate.class) {
                open = true;
            }
            for (Runnable held; (held = HELD.poll()) != null; ) {
                held.run();
            }
        }
    }

    @ConfigProperty(name = "manchete.warm-up.paths")
    List<String> paths;

    @ConfigProperty(name = "manchete.warm-up.requests")
    int requests;

    @Test
    void notReadyUntilItHasAnsweredItsOwnRequests() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !Gate.HELD.isEmpty());
        given().get("/q/health/ready").then().statusCode(503).body(WARM_UP, equalTo("DOWN"));

        Gate.open();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body(WARM_UP, equalTo("UP")));

        for (int i = 0; i < paths.size(); i++) {
            int expected = requests / paths.size() + (i < requests % paths.size() ? 1 : 0);
            AtomicInteger asked = Gate.REQUESTED.get(paths.get(i));
            assertEquals(expected, asked == null ? 0 : asked.get(), "requests of " + paths.get(i) + ": " + Gate.REQUESTED);
        }
        assertEquals(requests, Gate.REQUESTED.values().stream().mapToInt(AtomicInteger::get).sum(), Gate.REQUESTED.toString());
        assertEquals(Map.of(200, requests), Gate.STATUSES.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())), "answered by the service itself");
        // UP for good
        given().get("/q/health/ready").then().body(WARM_UP, equalTo("UP"));
    }
}
