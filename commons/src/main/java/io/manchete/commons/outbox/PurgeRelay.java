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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>Kicks are coalesced: while one waits for its rows to settle, further kicks only ask for one more
 * run after it, so a burst of writes costs a few outbox reads, not one per write. On shutdown,
 * {@link #flush(long)} delivers what is left once more, settled or not (every request has finished
 * by then, so every write has refreshed its cache), without waiting long; what it cannot deliver
 * stays in the outbox for the next start.
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
    /** 0: no kick pending; 1: a kick's timer is pending; 2: pending, and kicked again meanwhile. */
    private final AtomicInteger kicks = new AtomicInteger();
    private volatile boolean failing;
    private volatile boolean stopped;
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

    /** Stops the timers; kicks are ignored from now on. {@link #flush(long)} still works. */
    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Delivers what the write just recorded, once it has settled. */
    public void kick() {
        if (!stopped && kicks.getAndUpdate(k -> k == 0 ? 1 : 2) == 0) {
            scheduleKick();
        }
    }

    private void scheduleKick() {
        vertx.setTimer(SETTLE_MILLIS + 5, id -> {
            // kicks absorbed while this one waited: their rows may not have settled yet, so one more
            if (kicks.getAndUpdate(k -> k == 2 ? 1 : 0) == 2 && !stopped) {
                scheduleKick();
            }
            run();
        });
    }

    /**
     * Delivers everything pending now, settled or not, batch after batch, for at most
     * {@code withinMillis}; emits how many rows went, or -1 when some are left (the gateway failed or
     * time ran out). Never fails: what is left waits in the outbox for the next start.
     */
    public Uni<Integer> flush(long withinMillis) {
        long deadline = System.nanoTime() + withinMillis * 1_000_000L;
        return flushFrom(0, deadline)
                .ifNoItem().after(Duration.ofMillis(Math.max(1, withinMillis))).recoverWithItem(-1)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("last purge delivery to %s failed: %s", purgeUrl, failure.getMessage());
                    return -1;
                });
    }

    private Uni<Integer> flushFrom(int sent, long deadline) {
        return drain(0).chain(count -> count < BATCH ? Uni.createFrom().item(sent + count)
                : System.nanoTime() - deadline < 0 ? flushFrom(sent + count, deadline)
                : Uni.createFrom().item(-1));
    }

    /** Delivers what is pending now; a run requested during a run schedules one more. */
    private void run() {
        if (stopped) {
            return;
        }
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

    /** One batch of settled rows: read, post, delete. Emits how many rows were delivered. */
    Uni<Integer> drain() {
        return drain(SETTLE_MILLIS);
    }

    /** One batch of rows at least {@code settleMillis} old. */
    private Uni<Integer> drain(long settleMillis) {
        return Uni.createFrom().deferred(() -> pool.query("SELECT id, tags FROM purge_outbox WHERE created_at <= now() - interval '"
                        + settleMillis + " milliseconds' ORDER BY id LIMIT " + BATCH).execute())
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
