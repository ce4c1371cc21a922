package io.manchete.comments.purge;

import io.manchete.commons.outbox.PurgeRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The service's one {@link PurgeRelay}: started with the application (retrying pending rows every
 * {@code manchete.purge.period}), stopped with it, and {@linkplain #kick() kicked} by every write
 * that recorded tags, right after its commit, so the gateway hears of it at once.
 */
@ApplicationScoped
public class PurgeDelivery {
    static final String SOURCE = "comments";
    private static final Logger LOG = Logger.getLogger(PurgeDelivery.class);

    private final Vertx vertx;
    private final Pool pool;
    private final MeterRegistry registry;
    private final PurgeConfig config;
    private volatile WebClient client;
    private volatile PurgeRelay relay;

    public PurgeDelivery(Vertx vertx, Pool pool, MeterRegistry registry, PurgeConfig config) {
        this.vertx = vertx;
        this.pool = pool;
        this.registry = registry;
        this.config = config;
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
        relay = new PurgeRelay(vertx, pool, client, config.gatewayUrl(), config.token(), SOURCE, registry);
        relay.start(Math.max(100, config.period().toMillis()));
        relay.kick();
    }

    void stop(@Observes ShutdownEvent event) {
        PurgeRelay running = relay;
        relay = null;
        if (running != null) {
            running.stop();
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** Delivers what is pending now (after a write's commit). Never fails; a no-op when disabled. */
    public void kick() {
        PurgeRelay running = relay;
        if (running != null) {
            running.kick();
        }
    }
}
