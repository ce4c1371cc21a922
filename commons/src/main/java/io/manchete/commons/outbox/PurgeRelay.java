package io.manchete.commons.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Active expiration, delivery side. Reads the service's {@code purge_outbox}, posts the tags to the
 * gateway's purge API ({@code POST /internal/v1/purge}), and deletes the rows only after the gateway
 * answered 2xx. Runs shortly after each write ({@link #kick()}) and periodically (retries), so a
 * gateway or Infinispan that is briefly down delays an expiration but never loses it. Delivery is
 * at-least-once; purges are idempotent.
 *
 * <p>A row is delivered only once it is {@link #SETTLE_MILLIS} old: after its commit the writing
 * service refreshes its own cache, and a gateway that rebuilt a page before that refresh would store
 * the old fragment under the new tag version. The settle time bounds that window; a refresh takes
 * a few milliseconds.
 */
public final class PurgeRelay {
    private static final Logger LOG = Logger.getLogger(PurgeRelay.class);
    static final int BATCH = 500;
    /** How old an outbox row must be before it is delivered (see the class comment). */
    public static final long SETTLE_MILLIS = 150;

    private final Vertx vertx;
    private final Pool pool;
    private final WebClient client;
    private final String purgeUrl;
    private final String token;
    private final String source;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Counter delivered;
    private final Counter failures;
    private volatile boolean failing;
    private long timer = -1;

    public PurgeRelay(Vertx vertx, Pool pool, WebClient client, String gatewayUrl, String token, String source,
                      MeterRegistry registry) {
        this.vertx = vertx;
        this.pool = pool;
        this.client = client;
        this.purgeUrl = gatewayUrl.replaceAll("/+$", "") + "/internal/v1/purge";
        this.token = token;
        this.source = source;
        this.delivered = Counter.builder("manchete.purge.delivered").tag("service", source)
                .description("purge announcements delivered to the gateway").register(registry);
        this.failures = Counter.builder("manchete.purge.failures").tag("service", source)
                .description("failed purge deliveries (retried)").register(registry);
    }

    /** Starts the retry timer. */
    public void start(long periodMillis) {
        timer = vertx.setPeriodic(periodMillis, id -> run());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Delivers what the write just recorded, once it has settled. */
    public void kick() {
        vertx.setTimer(SETTLE_MILLIS + 5, id -> run());
    }

    /** Delivers what is pending now; a run requested during a run schedules one more. */
    private void run() {
        again.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        drain().subscribe().with(count -> {
            running.set(false);
            if (failing) {
                LOG.infof("purge delivery to %s works again", purgeUrl);
                failing = false;
            }
            if (again.get() || count == BATCH) {
                run();
            }
        }, failure -> {
            running.set(false);
            failures.increment();
            if (!failing) {
                LOG.warnf("purge delivery to %s failed (%s); will retry", purgeUrl, failure.getMessage());
                failing = true;
            }
        });
    }

    /** One batch: read, post, delete. Emits how many rows were delivered. */
    Uni<Integer> drain() {
        return Uni.createFrom().deferred(() -> pool.query("SELECT id, tags FROM purge_outbox WHERE created_at <= now() - interval '"
                        + SETTLE_MILLIS + " milliseconds' ORDER BY id LIMIT " + BATCH).execute())
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().item(0) : deliver(rows));
    }

    private Uni<Integer> deliver(RowSet<Row> rows) {
        List<Long> ids = new ArrayList<>();
        Set<String> tags = new LinkedHashSet<>();
        for (Row row : rows) {
            ids.add(row.getLong("id"));
            for (String tag : row.getString("tags").split(" ")) {
                tags.add(tag);
            }
        }
        JsonObject body = new JsonObject().put("tags", new JsonArray(new ArrayList<>(tags))).put("source", source);
        return client.postAbs(purgeUrl)
                .putHeader("Authorization", "Bearer " + token)
                .timeout(2_000)
                .sendJsonObject(body)
                .chain(response -> {
                    if (response.statusCode() / 100 != 2) {
                        return Uni.createFrom().failure(new IllegalStateException("gateway answered " + response.statusCode()));
                    }
                    return pool.preparedQuery("DELETE FROM purge_outbox WHERE id = ANY($1)")
                            .execute(Tuple.of(ids.toArray(Long[]::new)));
                })
                .invoke(() -> delivered.increment(ids.size()))
                .replaceWith(ids.size());
    }
}
