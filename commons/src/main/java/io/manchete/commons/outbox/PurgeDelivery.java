package io.manchete.commons.outbox;

import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * A service's one {@link PurgeRelay}: started with the application (retrying pending rows every
 * {@code manchete.purge.period}), stopped with it, and {@linkplain #kick() kicked} by every write
 * that recorded tags, right after its commit, so the gateway hears of it at once. Its rows are sent
 * as {@code manchete.purge.source} (default: {@code quarkus.application.name}).
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

    void stop(@Observes ShutdownEvent event) {
        PurgeRelay running = relay;
        relay = null;
        if (running != null) {
            running.stop();
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
