package io.manchete.comments.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.manchete.comments.api.Api.freshSlug;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #4, point 4: 10,000 comment posts sent at once, each retried by its client with the same
 * {@code Idempotency-Key} after a timeout or a dropped connection, store exactly 10,000 comments, and
 * every acknowledgement names the comment that is stored.
 *
 * <p>The client is non-blocking (Vert.x WebClient on its own event loop) and keeps 256 attempts in
 * flight over as many pooled connections, so the service is saturated. An attempt is given up after a
 * short timeout (800 ms) that doubles with each retry of that post, so the load cannot livelock on
 * timeouts, and one attempt in 20 is dropped on purpose a few milliseconds after it was sent: the
 * client closes the connection while the service is still working on it. A given-up attempt is
 * ambiguous (stored or not?) and is retried with the same key after a jittered backoff, until a
 * definitive answer (201, or the 200 replay) or the overall deadline. Every tenth post is also sent
 * twice at the same moment by two independent clients, racing the same key.
 *
 * <p>Checked: every post acknowledged; in PostgreSQL (not the cache) exactly 10,000 rows for the
 * article, one per key, each the acknowledged comment with its body; 10,000 distinct ids; no key
 * answered 201 twice; retries happened; the service logged no error meanwhile (abandoned requests
 * run to their end quietly). The run prints throughput and the attempt counts, e.g.
 * {@code -Dload.posts=2000 -Dload.firstTimeout=200} to explore.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class RetriedPostsUnderLoadTest {
    static final int POSTS = Integer.getInteger("load.posts", 10_000);
    static final int IN_FLIGHT = Integer.getInteger("load.inFlight", 256);
    static final int DUPLICATE_EVERY = 10;
    static final int DROP_ONE_IN = Integer.getInteger("load.dropOneIn", 20);
    static final long FIRST_TIMEOUT_MILLIS = Long.getLong("load.firstTimeout", 800);
    static final long MAX_TIMEOUT_MILLIS = 6_400;
    static final long DEADLINE_MILLIS = 150_000;

    @TestHTTPResource("/")
    URL base;

    Vertx vertx;
    WebClient client;

    /** One logical post: its key and body. */
    record Post(int index, String key, String author, String body) {
    }

    /** One client sending one post until it gets a definitive answer. */
    static final class Sender {
        final Post post;
        int attempts;
        int status;
        long id;
        String failure;

        Sender(Post post) {
            this.post = post;
        }
    }

    /** What the clients saw, only touched on the client's event loop. */
    static final class Tally {
        long attempts;
        long timeouts;
        long drops;
        long connectionFailures;
        long retryableStatuses;
        long retries;
        final Map<Integer, Long> statuses = new HashMap<>();
        int done;
    }

    @BeforeEach
    void startClient() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        client = WebClient.create(vertx, new WebClientOptions()
                .setDefaultHost(base.getHost()).setDefaultPort(base.getPort())
                .setMaxPoolSize(IN_FLIGHT).setKeepAlive(true).setConnectTimeout(5_000)
                .setUserAgentEnabled(false));
    }

    @AfterEach
    void stopClient() throws Exception {
        if (client != null) {
            client.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tenThousandRetriedPostsStoreTenThousandComments() throws Exception {
        String slug = freshSlug("load");
        List<Post> posts = new ArrayList<>(POSTS);
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < POSTS; i++) {
            Post post = new Post(i, UUID.randomUUID().toString(), "Reader " + (i % 97), "Comment number " + i + " on " + slug);
            posts.add(post);
            senders.add(new Sender(post));
            if (i % DUPLICATE_EVERY == 0) {
                senders.add(new Sender(post)); // a second client with the same key, at the same moment
            }
        }

        Tally tally = new Tally();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Queue<Runnable> waiting = new ArrayDeque<>();
        int[] inFlight = {0};
        String path = "/api/v1/articles/" + slug + "/comments";
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);

        // Everything below runs on the client's single event loop: no locking needed.
        class Driver {
            void acquire(Runnable attempt) {
                if (inFlight[0] < IN_FLIGHT) {
                    inFlight[0]++;
                    attempt.run();
                } else {
                    waiting.add(attempt);
                }
            }

            void release() {
                Runnable next = waiting.poll();
                if (next != null) {
                    next.run();
                } else {
                    inFlight[0]--;
                }
            }

            void send(Sender s) {
                s.attempts++;
                tally.attempts++;
                boolean drop = ThreadLocalRandom.current().nextInt(DROP_ONE_IN) == 0;
                long timeout = drop ? ThreadLocalRandom.current().nextLong(2, 30)
                        : Math.min(MAX_TIMEOUT_MILLIS, FIRST_TIMEOUT_MILLIS << Math.min(10, s.attempts - 1));
                JsonObject body = new JsonObject().put("author", s.post.author()).put("body", s.post.body());
                client.post(path).putHeader("Idempotency-Key", s.post.key()).timeout(timeout).sendJsonObject(body, ar -> {
                    release();
                    if (ar.succeeded()) {
                        int status = ar.result().statusCode();
                        tally.statuses.merge(status, 1L, Long::sum);
                        if (status == 201 || status == 200) {
                            s.status = status;
                            s.id = ar.result().bodyAsJsonObject().getLong("id");
                            complete(s);
                        } else if (status >= 500 || status == 429 || status == 409 && isInProgress(ar.result().bodyAsString())) {
                            tally.retryableStatuses++;
                            retry(s);
                        } else {
                            s.failure = "answered " + status + ": " + ar.result().bodyAsString();
                            complete(s);
                        }
                    } else {
                        if (drop) {
                            tally.drops++;
                        } else if (ar.cause() instanceof TimeoutException) {
                            tally.timeouts++;
                        } else {
                            tally.connectionFailures++;
                        }
                        retry(s);
                    }
                });
            }

            void retry(Sender s) {
                if (System.nanoTime() - deadline > 0) {
                    s.failure = "no definitive answer after " + s.attempts + " attempts";
                    complete(s);
                    return;
                }
                tally.retries++;
                long cap = Math.min(1_000, 20L << Math.min(6, s.attempts - 1));
                long backoff = 1 + ThreadLocalRandom.current().nextLong(cap); // full jitter
                vertx.setTimer(backoff, t -> acquire(() -> send(s)));
            }

            void complete(Sender s) {
                if (++tally.done == senders.size()) {
                    finished.complete(null);
                }
            }
        }
        Driver driver = new Driver();
        ErrorLog errors = ErrorLog.install();
        double statementsBefore = Api.dbQueries();
        vertx.runOnContext(v -> senders.forEach(s -> driver.acquire(() -> driver.send(s))));
        finished.get(DEADLINE_MILLIS + 30_000, TimeUnit.MILLISECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        double statements = Api.dbQueries() - statementsBefore;
        errors.uninstall();

        CompletableFuture<String> report = new CompletableFuture<>();
        vertx.runOnContext(v -> report.complete(String.format(
                "%d posts (%d senders) acknowledged in %.1f s: %.0f posts/s; %d attempts, %d timed out, %d dropped by the client, "
                        + "%d connection failures, %d retryable statuses, %d retries; answers %s; %.0f SQL statements (%.2f per attempt)",
                POSTS, senders.size(), seconds, POSTS / seconds, tally.attempts, tally.timeouts, tally.drops,
                tally.connectionFailures, tally.retryableStatuses, tally.retries, tally.statuses,
                statements, statements / tally.attempts)));
        String summary = report.get(5, TimeUnit.SECONDS);
        System.out.println("[RetriedPostsUnderLoadTest] " + summary);

        // every sender got a definitive answer, and every answer was an acknowledgement
        List<String> failures = senders.stream().filter(s -> s.failure != null)
                .map(s -> "post " + s.post.index() + ": " + s.failure).limit(10).toList();
        assertTrue(failures.isEmpty(), failures + " — " + summary);

        // the retry path was really exercised: attempts were abandoned without an answer and sent again
        CompletableFuture<long[]> counts = new CompletableFuture<>();
        vertx.runOnContext(v -> counts.complete(new long[]{tally.timeouts + tally.drops + tally.connectionFailures, tally.retries}));
        long[] abandonedAndRetries = counts.get(5, TimeUnit.SECONDS);
        assertTrue(abandonedAndRetries[0] > 0 && abandonedAndRetries[1] > 0, "no attempt was retried: " + summary);

        // one comment id per key, the same for every acknowledgement of that key (both racing clients, all retries)
        Map<String, Long> ackedIdByKey = new HashMap<>();
        Map<String, Integer> createdByKey = new HashMap<>();
        for (Sender s : senders) {
            Long previous = ackedIdByKey.putIfAbsent(s.post.key(), s.id);
            if (previous != null) {
                assertEquals(previous, s.id, "two acknowledgements of key " + s.post.key() + " name different comments");
            }
            if (s.status == 201) {
                createdByKey.merge(s.post.key(), 1, Integer::sum);
            }
        }
        assertEquals(POSTS, ackedIdByKey.size());
        assertEquals(POSTS, new HashSet<>(ackedIdByKey.values()).size(), "10,000 distinct comment ids acknowledged");
        createdByKey.forEach((key, created) -> assertEquals(1, created, "key " + key + " answered 201 more than once"));

        // the database (not the cache): exactly 10,000 rows, one per key, each the acknowledged comment
        Map<String, Long> storedIdByKey = new HashMap<>();
        try (Connection db = database();
             PreparedStatement rows = db.prepareStatement(
                     "SELECT id, idempotency_key, author, body FROM comment WHERE article_slug = ?")) {
            rows.setString(1, slug);
            Map<String, Post> byKey = new HashMap<>();
            posts.forEach(p -> byKey.put(p.key(), p));
            Set<Long> ids = new HashSet<>();
            int n = 0;
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    n++;
                    long id = rs.getLong("id");
                    String key = rs.getString("idempotency_key");
                    ids.add(id);
                    Long other = storedIdByKey.put(key, id);
                    assertEquals(null, other, "two rows hold key " + key);
                    Post post = byKey.get(key);
                    assertTrue(post != null, "a row with a key nobody sent: " + key);
                    assertEquals(post.body(), rs.getString("body"));
                    assertEquals(post.author(), rs.getString("author"));
                }
            }
            assertEquals(POSTS, n, "rows stored for " + slug);
            assertEquals(POSTS, ids.size());
        }
        assertEquals(ackedIdByKey, storedIdByKey, "every acknowledgement names the stored comment of its key");

        // abandoned requests ran to their end quietly: no error logged by the service meanwhile
        assertEquals(List.of(), errors.first(5), errors.count() + " errors logged during the load");
        // refreshes of one article never overlap, so the cached count ends with the last write in it
        assertEquals(POSTS, Api.count(slug), "count through the API (Infinispan first)");
    }

    /** Counts the records at ERROR (SEVERE) or above that the service logs while installed. */
    static final class ErrorLog extends java.util.logging.Handler {
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.ConcurrentLinkedQueue<String> first = new java.util.concurrent.ConcurrentLinkedQueue<>();

        static ErrorLog install() {
            ErrorLog handler = new ErrorLog();
            java.util.logging.Logger.getLogger("").addHandler(handler);
            return handler;
        }

        void uninstall() {
            java.util.logging.Logger.getLogger("").removeHandler(this);
        }

        @Override
        public void publish(java.util.logging.LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue() && count.incrementAndGet() <= 5) {
                first.add(record.getLoggerName() + ": " + record.getMessage()
                        + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }
        }

        long count() {
            return count.get();
        }

        List<String> first(int n) {
            return first.stream().limit(n).toList();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** A 409 that says the first request with this key is still being processed (worth retrying). */
    private static boolean isInProgress(String problem) {
        return problem != null && problem.contains("in progress");
    }

    private static Connection database() throws Exception {
        var config = ConfigProvider.getConfig();
        Properties props = new Properties();
        props.setProperty("user", config.getValue("quarkus.datasource.username", String.class));
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(p -> props.setProperty("password", p));
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class), props);
    }
}
