package io.manchete.e2e;

import com.sun.net.httpserver.HttpServer;
import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.ManagedProcess;
import io.manchete.launcher.Ports;
import io.manchete.launcher.Postgres;
import io.manchete.launcher.ProjectLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graceful shutdown of page-, content- and comments-service as real processes (issue #4, point 5).
 * Each service runs from its packaged jar against real PostgreSQL and Infinispan, with every
 * {@code /api} request slowed down by {@code manchete.test.delay} so that one is surely in flight
 * when the test sends SIGTERM. Then, per service:
 * <ol>
 * <li>readiness answers 503 ("Graceful Shutdown" DOWN) at once, during {@code quarkus.shutdown.delay};</li>
 * <li>a request sent during the delay is still served;</li>
 * <li>the write that was in flight completes (2xx) and is in the database;</li>
 * <li>the process exits by itself, cleanly (Quarkus' "stopped" line, no ERROR), before any SIGKILL.</li>
 * </ol>
 * For comments-service the gateway (a stub) refuses the first delivery of the in-flight post's
 * {@code comments:{slug}} purge (the one right after its commit), and the relay's periodic retry is
 * an hour away: the purge is still pending when the last request finishes, and only the relay's last
 * delivery before exit can get it to the gateway; the outbox is empty afterwards.
 *
 * <p>Starts only what it needs (no gateway, no demo data): one Infinispan Server, three databases,
 * the three services in parallel.
 */
class GracefulShutdownIT {
    static final Duration SLOW = Duration.ofSeconds(2);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    static ProjectLayout layout;
    static Path state;
    static Postgres postgres;
    static InfinispanServer infinispan;
    static StubGateway gateway;
    static String prefix;
    static final Map<String, Service> services = new LinkedHashMap<>();

    /** One service process, started by the test itself so that its exit code can be read. */
    record Service(String name, String module, int port, String database, Process process, Path log) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        layout = ProjectLayout.locate();
        for (String module : List.of("page-service", "content-service", "comments-service")) {
            assertTrue(Files.isRegularFile(layout.serviceJar(module)), module + " is not built (./mvnw -DskipTests install)");
        }
        state = Path.of("target", "graceful-shutdown").toAbsolutePath();
        prefix = "gs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postgres = Postgres.obtain(state.resolve("pgdata"));
        gateway = new StubGateway();
        infinispan = new InfinispanServer(layout, Ports.freePort(), state.resolve("infinispan")).start();

        List<CompletableFuture<Service>> starting = new ArrayList<>();
        starting.add(CompletableFuture.supplyAsync(() -> startService("page", "page-service", "pages", Map.of())));
        starting.add(CompletableFuture.supplyAsync(() -> startService("content", "content-service", "content", Map.of())));
        // comments: the relay retries once an hour, so only a kick or the last delivery at shutdown sends a purge
        starting.add(CompletableFuture.supplyAsync(() -> startService("comments", "comments-service", "comments",
                Map.of("manchete.purge.period", "PT1H"))));
        for (CompletableFuture<Service> s : starting) {
            Service service = s.get(180, TimeUnit.SECONDS);
            services.put(service.name(), service);
        }
    }

    @AfterAll
    static void stop() {
        for (Service s : services.values()) {
            if (s.process().isAlive()) {
                s.process().destroyForcibly();
            }
        }
        if (infinispan != null) {
            infinispan.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            try {
                for (Service s : services.values()) {
                    postgres.dropDatabase(s.database());
                }
            } finally {
                postgres.close();
            }
        }
    }

    @Test
    void commentsServiceDrainsItsInFlightPostAndDeliversItsPurgeBeforeExiting() throws Exception {
        Service comments = services.get("comments");
        String slug = "shutdown-" + UUID.randomUUID().toString().substring(0, 8);
        gateway.refuseOnce("comments:" + slug); // the post's own delivery (right after its commit) fails
        HttpRequest post = HttpRequest.newBuilder(URI.create(comments.url("/api/v1/articles/" + slug + "/comments")))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"author\":\"Ana\",\"body\":\"Posted while stopping\"}")).build();

        Shutdown shutdown = shutDownWith(comments, post, "/api/v1/articles/" + slug + "/comments/count");
        assertEquals(201, shutdown.inFlight.statusCode(), shutdown.inFlight.body());
        shutdown.awaitExit();

        assertEquals(1, count(comments, "SELECT count(*) FROM comment WHERE article_slug = ?", slug), "the in-flight post is stored");
        assertTrue(gateway.delivered("comments:" + slug), "the purge reached the gateway before the service exited: " + gateway.requests);
        assertEquals(0, count(comments, "SELECT count(*) FROM purge_outbox WHERE tags LIKE ?", "%comments:" + slug + "%"),
                "nothing left in the outbox");
        assertTrue(gateway.requests.stream().anyMatch(r -> r.startsWith("503 ") && r.contains("comments:" + slug)),
                "the first delivery was refused: " + gateway.requests);
        assertTrue(log(comments).contains("delivered 1 pending purge(s) before stopping"), "the last delivery ran at shutdown\n"
                + tail(comments));
    }

    @Test
    void contentServiceDrainsItsInFlightWriteBeforeExiting() throws Exception {
        Service content = services.get("content");
        String slug = "shutdown-" + UUID.randomUUID().toString().substring(0, 8);
        HttpRequest create = HttpRequest.newBuilder(URI.create(content.url("/api/v1/articles")))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer dev-editor-token")
                .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"" + slug + "\",\"section\":\"world\",\"title\":\"Stopping\","
                        + "\"summary\":\"S\",\"body\":\"Written while the service stops.\",\"author\":\"Ana\"}")).build();

        Shutdown shutdown = shutDownWith(content, create, "/api/v1/sections/world/articles?page=0&size=1");
        assertEquals(201, shutdown.inFlight.statusCode(), shutdown.inFlight.body());
        shutdown.awaitExit();
        assertEquals(1, count(content, "SELECT count(*) FROM article WHERE slug = ?", slug), "the in-flight write is stored");
    }

    @Test
    void pageServiceDrainsItsInFlightWriteBeforeExiting() throws Exception {
        Service page = services.get("page");
        String story = "shutdown-" + UUID.randomUUID().toString().substring(0, 8);
        HttpRequest put = HttpRequest.newBuilder(URI.create(page.url("/api/v1/fronts/home")))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer dev-editor-token")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"slots\": {\"top\": [\"" + story + "\"]}}")).build();

        Shutdown shutdown = shutDownWith(page, put, "/api/v1/navigation");
        assertEquals(200, shutdown.inFlight.statusCode(), shutdown.inFlight.body());
        shutdown.awaitExit();
        assertEquals(1, count(page, "SELECT count(*) FROM front WHERE name = 'home' AND article_slug = ?", story),
                "the in-flight write is stored");
    }

    /** What happened around one SIGTERM. */
    final class Shutdown {
        final Service service;
        final HttpResponse<String> inFlight;

        Shutdown(Service service, HttpResponse<String> inFlight) {
            this.service = service;
            this.inFlight = inFlight;
        }

        /** The process exits by itself, cleanly, well before a supervisor would SIGKILL it. */
        void awaitExit() throws Exception {
            assertTrue(service.process().waitFor(20, TimeUnit.SECONDS), service.name() + " still running 20 s after SIGTERM\n" + tail(service));
            int exit = service.process().exitValue();
            // a JVM ended by SIGTERM reports 128 + 15 once its shutdown hooks (Quarkus' stop) ran
            assertTrue(exit == 0 || exit == 143, service.name() + " exited with " + exit + "\n" + tail(service));
            System.out.printf("[GracefulShutdownIT] %s: exited with %d%n", service.name(), exit);
            String log = log(service);
            assertTrue(log.contains(service.module() + " stopped in"), "Quarkus stopped cleanly\n" + tail(service));
            assertFalse(log.lines().anyMatch(line -> line.contains(" ERROR ")), "no error while stopping\n" + tail(service));
        }
    }

    /**
     * Sends {@code inFlight} (slowed down by {@link #SLOW}), SIGTERMs the service while it waits,
     * checks that readiness is DOWN at once and that a request sent during the delay is still served,
     * and answers the in-flight request's response.
     */
    Shutdown shutDownWith(Service service, HttpRequest inFlight, String readPath) throws Exception {
        assertEquals(200, status(service.url("/q/health/ready")), service.name() + " ready before SIGTERM");
        CompletableFuture<HttpResponse<String>> pending = HTTP.sendAsync(inFlight, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(SLOW.toMillis() / 4); // the request now waits inside the service
        assertFalse(pending.isDone(), "the request is in flight");

        long signalled = System.nanoTime();
        service.process().destroy(); // SIGTERM
        String readiness = awaitNotReady(service, Duration.ofSeconds(2));
        long downAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertTrue(readiness.contains("Graceful Shutdown") && readiness.contains("DOWN"), readiness);

        // still served during the delay: load balancers need a moment to notice readiness
        HttpResponse<String> during = HTTP.send(HttpRequest.newBuilder(URI.create(service.url(readPath)))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, during.statusCode(), "a request sent during the shutdown delay: " + during.body());

        HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);
        System.out.printf("[GracefulShutdownIT] %s: readiness DOWN %d ms after SIGTERM; in-flight request answered %d "
                + "%d ms after SIGTERM%n", service.name(), downAfter, response.statusCode(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled));
        return new Shutdown(service, response);
    }

    /** Polls readiness until it answers 503; its body. */
    static String awaitNotReady(Service service, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(service.url("/q/health/ready")))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 503) {
                    return r.body();
                }
            } catch (IOException e) {
                throw new AssertionError(service.name() + " stopped answering before reporting not ready", e);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(service.name() + " still ready " + within.toMillis() + " ms after SIGTERM");
    }

    static Service startService(String name, String module, String db, Map<String, String> extra) {
        String database = prefix + "_" + db;
        postgres.createDatabase(database);
        int port = Ports.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.host", "127.0.0.1");
        props.put("quarkus.http.port", Integer.toString(port));
        props.put("quarkus.datasource.username", postgres.user());
        props.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        props.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        props.put("quarkus.infinispan-client.hosts", infinispan.hosts());
        props.put("manchete.services.gateway.url", gateway.url());
        props.put("manchete.test.delay", SLOW.toMillis() + "ms");
        props.put("quarkus.otel.sdk.disabled", "true");
        props.putAll(extra);
        List<String> command = new ArrayList<>(List.of(ManagedProcess.javaBinary(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"));
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(layout.serviceJar(module).toString());
        Path dir = state.resolve(name);
        Path log = dir.resolve(name + ".log");
        try {
            Files.createDirectories(dir);
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Service service = new Service(name, module, port, database, process, log);
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (status(service.url("/q/health/ready")) != 200) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException(name + " did not become ready\n" + tail(service));
                }
                Thread.sleep(200);
            }
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static long count(Service service, String sql, String parameter) throws SQLException {
        try (Connection c = postgres.connect(service.database()); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, parameter);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String log(Service service) throws IOException {
        return Files.readString(service.log());
    }

    static String tail(Service service) {
        try {
            List<String> lines = Files.readAllLines(service.log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * The gateway's purge API, as far as the relays see it: records the posts and accepts them (204),
     * except the first one carrying a tag named in {@link #refuseOnce} (503).
     */
    static final class StubGateway implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final Set<String> refuse = ConcurrentHashMap.newKeySet();
        private final HttpServer server;

        StubGateway() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/internal/v1/purge", exchange -> {
                try (exchange; InputStream in = exchange.getRequestBody()) {
                    String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    int answer = refuse.removeIf(tag -> body.contains("\"" + tag + "\"")) ? 503 : 204;
                    requests.add(answer + " " + body);
                    exchange.sendResponseHeaders(answer, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void refuseOnce(String tag) {
            refuse.add(tag);
        }

        /** The tag went in a request the stub accepted. */
        boolean delivered(String tag) {
            return requests.stream().anyMatch(r -> r.startsWith("204 ") && r.contains("\"" + tag + "\""));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
