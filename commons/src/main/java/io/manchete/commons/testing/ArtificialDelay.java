package io.manchete.commons.testing;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Test-only: {@code manchete.test.delay=100ms} delays every request to {@code /fragments} and
 * {@code /api} by that much, without blocking (a Vert.x timer). The benchmark's fan-out scenario
 * uses it to show that a page costs the slowest fragment, not the sum. Unset (the default), nothing
 * is registered.
 */
@ApplicationScoped
public class ArtificialDelay {
    private static final Logger LOG = Logger.getLogger(ArtificialDelay.class);

    private final Optional<Duration> delay;

    public ArtificialDelay(@ConfigProperty(name = "manchete.test.delay") Optional<Duration> delay) {
        this.delay = delay;
    }

    void register(@Observes Router router, Vertx vertx) {
        if (delay.isEmpty() || delay.get().isZero() || delay.get().isNegative()) {
            return;
        }
        long millis = delay.get().toMillis();
        LOG.warnf("manchete.test.delay is set: every /fragments and /api request waits %d ms (benchmarks only)", millis);
        router.routeWithRegex("/(fragments|api)/.*").order(-1000)
                .handler(rc -> vertx.setTimer(millis, id -> rc.next()));
    }
}
