package io.manchete.commons.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * A service's one {@link PurgeRelay}: started with the application (retrying pending rows every
 * {@code manchete.purge.period}), stopped with it, and {@linkplain #kick() kicked} by every write
 * that recorded tags, right after its commit, so the gateway hears of it at once. Its rows are sent
 * as {@code manchete.purge.source} (default: {@code quarkus.application.name}).
 *
 * <p>Shutting down: when the shutdown delay begins (readiness DOWN, requests still served) the relay
 * is kicked; once the last request has finished ({@link ShutdownEvent}, after Quarkus' graceful
 * drain, before the database pool closes) it delivers what is left one last time, for at most
 * {@code manchete.purge.shutdown-flush} (default 2 s), then stops. Rows it could not deliver stay in
 * {@code purge_outbox}: the next start delivers them.
 */
@ApplicationScoped
public class PurgeDelivery {
    private static final Logger LOG = Logger.getLogger(PurgeDelivery.class);

    private final Vertx vertx;
    private final Pool pool;
    private final MeterRegistry registry;
    private final PurgeConfig config;
    private final String source;
    private volatile WebClient client;
    private volatile PurgeRelay relay;

    public PurgeDelivery(Vertx vertx, Pool pool, MeterRegistry registry, PurgeConfig config,
                         @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        this.vertx = vertx;
        this.pool = pool;
        this.registry = registry;
        this.config = config;
        this.source = config.source().orElse(applicationName);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("purge delivery is disabled (manchete.purge.enabled=false); expirations wait in purge_outbox");
            return;
        }
        client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout(2_000)
                .setIdleTimeout(10)
                .setName("manchete-purge"));
        relay = new PurgeRelay(vertx, pool, client, config.gatewayUrl(), config.token(), source, registry);
        relay.start(Math.max(100, config.period().toMillis()));
        relay.kick();
    }

    /** Readiness just went DOWN: deliver what is pending now, while requests are still served. */
    void shutdownDelayBegins(@Observes ShutdownDelayInitiatedEvent event) {
        kick();
    }

    void stop(@Observes ShutdownEvent event) {
        PurgeRelay running = relay;
        relay = null;
        if (running != null) {
            running.stop();
            long within = Math.max(0, config.shutdownFlush().toMillis());
            if (within > 0) {
                try {
                    Integer sent = running.flush(within).await().atMost(Duration.ofMillis(within + 500));
                    if (sent != null && sent > 0) {
                        LOG.infof("delivered %d pending purge(s) before stopping", sent);
                    } else if (sent != null && sent < 0) {
                        LOG.warnf("could not deliver every pending purge to %s before stopping; the rest waits in purge_outbox "
                                + "for the next start", config.gatewayUrl());
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("last purge delivery before stopping gave up (%s); the rows wait in purge_outbox", e.toString());
                }
            }
        }
        WebClient open = client;
        client = null;
        if (open != null) {
            open.close();
        }
    }

    /** Delivers what is pending (after a write's commit). Never fails; a no-op when disabled or stopped. */
    public void kick() {
        PurgeRelay running = relay;
        if (running != null) {
            running.kick();
        }
    }
}
