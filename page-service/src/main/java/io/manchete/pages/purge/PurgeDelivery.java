package io.manchete.pages.purge;

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
 * page-service's one {@link PurgeRelay}: started with the application (retrying pending rows every
 * {@code manchete.purge.period}), stopped with it, and {@linkplain #kick() kicked} by every write
 * that recorded tags, once its commit and the refresh of the service's own caches are done.
 */
@ApplicationScoped
public class PurgeDelivery {
    static final String SOURCE = "pages";
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
        relay.kick(); // rows left over from an earlier run
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
