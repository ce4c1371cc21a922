package io.manchete.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Infinispan Server 16 in its own JVM, with the classpath that {@code deploy/infinispan-server}
 * resolved (kept apart from the Quarkus BOM's client version). One node, local cache container, bound
 * to 127.0.0.1.
 */
public final class InfinispanServer implements AutoCloseable {
    private final int port;
    private final Path serverRoot;
    private final ProjectLayout layout;
    private ManagedProcess process;

    public InfinispanServer(ProjectLayout layout, int port, Path serverRoot) {
        this.layout = layout;
        this.port = port;
        this.serverRoot = serverRoot;
    }

    public int port() {
        return port;
    }

    /** {@code host:port} for {@code quarkus.infinispan-client.hosts}. */
    public String hosts() {
        return "127.0.0.1:" + port;
    }

    /** Starts the server (again, after {@link #kill()} or {@link #close()}: the same port and server root). */
    public InfinispanServer start() {
        Path classpath = layout.infinispanClasspath();
        if (!Files.isDirectory(classpath)) {
            throw new IllegalStateException("no Infinispan Server classpath at " + classpath
                    + ": build it with ./mvnw -q -pl deploy/infinispan-server generate-resources");
        }
        if (Ports.listening(port)) {
            throw new IllegalStateException("port " + port + " is taken: is another Infinispan running? Pick another with --infinispan-port");
        }
        Path conf = serverRoot.resolve("conf");
        try {
            Files.createDirectories(serverRoot.resolve("lib"));
            Files.createDirectories(conf);
            for (String file : List.of("infinispan.xml", "log4j2.xml")) {
                Files.copy(layout.infinispanConf().resolve(file), conf.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the Infinispan server root " + serverRoot, e);
        }
        List<String> command = new ArrayList<>(List.of(ManagedProcess.javaBinary()));
        command.addAll(memoryOptions(serverRoot));
        command.addAll(List.of(
                "-Djava.net.preferIPv4Stack=true",
                "-Dinfinispan.bind.address=127.0.0.1",
                "-Dinfinispan.bind.port=" + port,
                "-Dlog4j2.configurationFile=" + conf.resolve("log4j2.xml"),
                "-cp", classpath + "/*",
                "org.infinispan.server.Bootstrap",
                "-s", serverRoot.toString(),
                "-c", "infinispan.xml"));
        try {
            launch(command, FIRST_BOOT);
        } catch (IllegalStateException hung) {
            // A server that clients reach while it boots can hang in its start-up for good (Infinispan
            // 16.0.7 with G1 and a fixed heap, restarts under client load, after "Cache cannot be
            // retrieved while global registry is not running", the guard of infinispan/infinispan#14924):
            // one more boot, which came up in two of three such hangs
            System.err.println("[infinispan] not started after " + FIRST_BOOT.toSeconds() + " s; killing it and starting again");
            kill();
            launch(command, Duration.ofSeconds(90));
        }
        return this;
    }

    /** A boot takes 3-8 s on this project's 2-core machine; 40 s means it hangs. */
    private static final Duration FIRST_BOOT = Duration.ofSeconds(40);

    private void launch(List<String> command, Duration timeout) {
        Path log = serverRoot.resolve("server.log");
        boolean restart = process != null;
        long logStart;
        try {
            logStart = restart && Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            logStart = 0;
        }
        process = ManagedProcess.start("infinispan", command, serverRoot, log, restart);
        long from = logStart;
        process.awaitReady(() -> started(from), timeout);
    }

    /**
     * The server's heap and collector. With {@code -Dmanchete.infinispan.gc=g1} (what {@code bench/run}
     * uses): the whole heap from the start ({@code -Dmanchete.infinispan.heap}, 768m) and G1 with a
     * 50 ms pause goal, pauses logged to {@code gc.log}; under load the serial collector on a growing
     * heap paused 300-490 ms copying freshly cached pages, longer than the clients' cache timeouts
     * (docs/performance.md, runs 11-12). Otherwise (tests, {@code ./manchete up}) a heap growing from
     * 64 MB to 512m and the serial collector: with G1 and the fixed heap, servers restarted while
     * clients kept calling hung in their boot in two of three CI runs (see {@link #start}).
     */
    static List<String> memoryOptions(Path serverRoot) {
        String gcLog = "-Xlog:gc:file=" + serverRoot.resolve("gc.log") + ":time,uptime:filecount=2,filesize=10m";
        if ("g1".equals(System.getProperty("manchete.infinispan.gc"))) {
            String heap = System.getProperty("manchete.infinispan.heap", "768m");
            return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50", gcLog);
        }
        return List.of("-Xms64m", "-Xmx" + System.getProperty("manchete.infinispan.heap", "512m"), "-XX:+UseSerialGC", gcLog);
    }

    /** Listening, and the log (from {@code from} on: a restart appends) says the server started. */
    private boolean started(long from) {
        if (!Ports.listening(port)) {
            return false;
        }
        try {
            byte[] bytes = Files.readAllBytes(process.log());
            int offset = (int) Math.min(from, bytes.length);
            return new String(bytes, offset, bytes.length - offset, java.nio.charset.StandardCharsets.UTF_8)
                    .contains("ISPN080001");
        } catch (IOException e) {
            return false;
        }
    }

    public ManagedProcess process() {
        return process;
    }

    /** kill -9, for failure tests. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /**
     * kill -9 and delete the server's data, for failure tests: the next {@link #start} is an empty
     * server (no caches, since their owners create them, not the server's configuration).
     */
    public void killAndWipe() {
        kill();
        Path data = serverRoot.resolve("data");
        if (!Files.exists(data)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(data)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + data, e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
