package io.manchete.launcher;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole of Manchete on one machine, each part its own process: Infinispan Server, PostgreSQL
 * (local or embedded), page-, content- and comments-service, and the gateway. Used by
 * {@code ./manchete up}, the end-to-end tests and the benchmark.
 */
public final class Suite implements AutoCloseable {

    /** How to run the suite. {@code databasePrefix} keeps test runs apart from the local site's data. */
    public record Options(int gatewayPort, int pagePort, int contentPort, int commentsPort, int infinispanPort,
                          String databasePrefix, DemoData.Size demoSize, Path stateDir,
                          Map<String, Map<String, String>> overrides, List<String> jvmOptions) {

        /** Heap of each Quarkus JVM the launcher starts. */
        static final int DEFAULT_HEAP_MB = 384;
        /** The gateway's {@code manchete.page-cache.near-cache.pages} default, which that heap is for. */
        static final int DEFAULT_NEAR_CACHE_PAGES = 5_000;

        public static Options localDefaults(ProjectLayout layout) {
            return new Options(8080, 8081, 8082, 8083, 11222, "", DemoData.Size.standard(),
                    layout.stateDir(), Map.of(), defaultJvmOptions());
        }

        /** Free ports, databases named {@code <prefix>_pages} etc., a small data set: for tests. */
        public static Options forTests(Path stateDir, String prefix, DemoData.Size size) {
            return new Options(Ports.freePort(), Ports.freePort(), Ports.freePort(), Ports.freePort(), Ports.freePort(),
                    prefix, size, stateDir, Map.of(), defaultJvmOptions());
        }

        public Options withOverrides(Map<String, Map<String, String>> more) {
            return new Options(gatewayPort, pagePort, contentPort, commentsPort, infinispanPort, databasePrefix,
                    demoSize, stateDir, more, jvmOptions);
        }

        static List<String> defaultJvmOptions() {
            String env = System.getenv("MANCHETE_JAVA_OPTS");
            if (env != null && !env.isBlank()) {
                return List.of(env.trim().split("\\s+"));
            }
            // G1 with a 20 ms pause goal: with the serial collector the gateway's old generation filled
            // every ~10 s under bench (c) and each full collection stopped it for 115-160 ms, which was
            // (c)'s p99 (docs/performance.md, runs 27-28). The whole heap from the start, touched at
            // start: grown from 64 MB, comments-service kept a 30 MB young generation (a pause every
            // 0.6 s under (c)), and memory first touched during a pause made it wait for the kernel
            // (docs/performance.md, runs 52-55)
            return List.of("-Xms" + DEFAULT_HEAP_MB + "m", "-Xmx" + DEFAULT_HEAP_MB + "m", "-XX:+AlwaysPreTouch",
                    "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20");
        }

        /**
         * The gateway's heap when its page near cache is set above the default 5,000 pages: 64 KB more
         * per page, so that the pages stay within about a third of the heap (docs/operations.md,
         * {@code manchete.page-cache.near-cache.pages}), but never more than a quarter of the machine's
         * memory (a near cache set beyond that does not fit: its JVM would fail to start or starve the
         * other parts). Empty when the default heap does, when {@code MANCHETE_JAVA_OPTS} chose the
         * options, or when the setting is not a number.
         */
        public static List<String> gatewayHeap(Map<String, String> gatewayProps) {
            long mb = gatewayHeapMb(gatewayProps);
            return mb == 0 ? List.of() : List.of("-Xms" + mb + "m", "-Xmx" + mb + "m");
        }

        /** The heap {@link #gatewayHeap} sets, in MB, or 0 when it sets none. */
        public static long gatewayHeapMb(Map<String, String> gatewayProps) {
            String env = System.getenv("MANCHETE_JAVA_OPTS");
            return env != null && !env.isBlank() ? 0 : gatewayHeapMbFor(gatewayProps, physicalMemoryMb());
        }

        /** Whether the page near cache asks for more heap than {@link #gatewayHeap} gives (see there). */
        public static boolean gatewayHeapCapped(Map<String, String> gatewayProps) {
            long given = gatewayHeapMb(gatewayProps);
            return given > 0 && gatewayHeapMbFor(gatewayProps, Long.MAX_VALUE) > given;
        }

        static long gatewayHeapMbFor(Map<String, String> gatewayProps, long physicalMb) {
            String pages = gatewayProps.get("manchete.page-cache.near-cache.pages");
            long n;
            try {
                n = pages == null ? 0 : Long.parseLong(pages.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
            if (n <= DEFAULT_NEAR_CACHE_PAGES) {
                return 0;
            }
            long wanted = DEFAULT_HEAP_MB + (n - DEFAULT_NEAR_CACHE_PAGES) * 64 / 1024;
            return Math.min(wanted, Math.max(DEFAULT_HEAP_MB, physicalMb / 4));
        }

        /** The machine's memory in MB; {@code Long.MAX_VALUE} when the JVM cannot tell. */
        static long physicalMemoryMb() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                long bytes = os.getTotalMemorySize();
                return bytes > 0 ? bytes / (1024 * 1024) : Long.MAX_VALUE;
            }
            return Long.MAX_VALUE;
        }

        String database(String name) {
            return databasePrefix.isEmpty() ? name : databasePrefix + "_" + name;
        }
    }

    private final ProjectLayout layout;
    private final Options options;
    private final Progress progress;
    private final Map<String, ServiceSpec> specs = new LinkedHashMap<>();
    private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
    private Postgres postgres;
    private InfinispanServer infinispan;

    public Suite(ProjectLayout layout, Options options, Progress progress) {
        this.layout = layout;
        this.options = options;
        this.progress = progress;
        specs.put("page", new ServiceSpec("page", "page-service", options.pagePort(), options.database("pages")));
        specs.put("content", new ServiceSpec("content", "content-service", options.contentPort(), options.database("content")));
        specs.put("comments", new ServiceSpec("comments", "comments-service", options.commentsPort(), options.database("comments")));
        specs.put("gateway", new ServiceSpec("gateway", "gateway", options.gatewayPort(), null));
    }

    public Suite start() {
        checkBuilt();
        checkPortsFree();
        progress.step("postgres", "looking for PostgreSQL at 127.0.0.1:5432 …");
        postgres = Postgres.obtain(options.stateDir().resolve("pgdata"));
        progress.step("postgres", (postgres.embedded() ? "embedded PostgreSQL" : "PostgreSQL") + " on "
                + postgres.host() + ":" + postgres.port());
        for (ServiceSpec spec : specs.values()) {
            if (spec.hasDatabase()) {
                postgres.createDatabase(spec.database());
            }
        }
        progress.step("infinispan", "starting Infinispan Server …");
        infinispan = new InfinispanServer(layout, options.infinispanPort(), options.stateDir().resolve("infinispan"))
                .start();
        progress.step("infinispan", "ready on " + infinispan.hosts());

        List<CompletableFuture<Void>> services = new ArrayList<>();
        for (String name : List.of("page", "content", "comments")) {
            services.add(CompletableFuture.runAsync(() -> startService(specs.get(name))));
        }
        joinAll(services);

        DemoData demo = new DemoData(options.demoSize());
        if (options.demoSize().articles() > 0) {
            if (demo.loaded(postgres, specs)) {
                progress.step("demo-data", "already there, kept");
            } else {
                progress.step("demo-data", "loading " + options.demoSize() + " …");
                long t0 = System.nanoTime();
                demo.load(postgres, specs);
                progress.step("demo-data", String.format("loaded in %.1f s", (System.nanoTime() - t0) / 1e9));
            }
        }
        startService(specs.get("gateway"));
        warmUp();
        return this;
    }

    /**
     * Asks for the home page (revalidating, so no cached placeholder counts) until it renders whole:
     * the first requests after a cold start meet services whose JIT and connection pools are cold
     * and may run past the gateway's budgets, leaving placeholders in the page.
     */
    private void warmUp() {
        String home = gatewayUrl() + "/";
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            var response = Http.revalidate(home);
            if (response != null && response.statusCode() == 200 && !response.body().contains("fragment-unavailable")) {
                progress.step("gateway", "home page renders whole");
                warmArticle(response.body(), deadline);
                return;
            }
            last = response == null ? "no answer" : response.statusCode() + (response.statusCode() == 200 ? " with placeholders" : "");
            ManagedProcess.sleep(250);
        }
        throw new IllegalStateException("the home page still answers " + last + " after 90 s; see the logs under "
                + options.stateDir());
    }

    /**
     * The same for the first article the home page links: an article page is the one path the home
     * page does not take (article body, comments, their Qute templates and queries), and its first
     * answers after a cold start can miss their budgets too. Best effort: gives up at the deadline.
     */
    private void warmArticle(String homePage, long deadline) {
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("href=\"(/[a-z0-9-]+/[a-z0-9-]+)\"").matcher(homePage);
        if (!link.find()) {
            return;
        }
        String url = gatewayUrl() + link.group(1);
        while (System.nanoTime() < deadline) {
            var response = Http.revalidate(url);
            if (response != null && response.statusCode() == 200 && !response.body().contains("fragment-unavailable")) {
                progress.step("gateway", "an article page renders whole");
                return;
            }
            ManagedProcess.sleep(250);
        }
    }

    private void startService(ServiceSpec spec) {
        startService(spec, false);
    }

    /** {@code restart}: the part ran before; its log is continued rather than started anew. */
    private void startService(ServiceSpec spec, boolean restart) {
        progress.step(spec.name(), "starting on " + spec.baseUrl() + " …");
        List<String> command = new ArrayList<>();
        command.add(ManagedProcess.javaBinary());
        command.addAll(options.jvmOptions());
        Map<String, String> overrides = options.overrides()
                .getOrDefault(spec.module().equals("gateway") ? "gateway" : spec.name(), Map.of());
        if (spec.module().equals("gateway")) {
            command.addAll(Options.gatewayHeap(overrides));
            if (Options.gatewayHeapCapped(overrides)) {
                progress.step(spec.name(), "warning: " + overrides.get("manchete.page-cache.near-cache.pages")
                        + " pages in the near cache need more heap than a quarter of this machine's memory; the heap is "
                        + Options.gatewayHeapMb(overrides) + " MB and the cache will not hold them all");
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.port", Integer.toString(spec.port()));
        props.put("quarkus.http.host", "127.0.0.1");
        if (spec.hasDatabase()) {
            props.put("quarkus.datasource.username", postgres.user());
            props.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(spec.database()));
            props.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(spec.database()));
        }
        props.put("quarkus.infinispan-client.hosts", infinispan.hosts());
        for (String upstream : List.of("page", "content", "comments", "gateway")) {
            props.put("manchete.services." + upstream + ".url", specs.get(upstream).baseUrl());
        }
        props.putAll(overrides);
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(layout.serviceJar(spec.module()).toString());
        Path dir = options.stateDir().resolve(spec.name());
        ManagedProcess process = ManagedProcess.start(spec.name(), command, dir, dir.resolve(spec.name() + ".log"), restart);
        synchronized (processes) {
            processes.put(spec.name(), process);
        }
        process.awaitReady(() -> Http.status(spec.baseUrl() + "/q/health/ready") == 200, Duration.ofSeconds(120));
        progress.step(spec.name(), "ready on " + spec.baseUrl() + "  (log: " + process.log() + ")");
    }

    private void checkBuilt() {
        List<String> missing = new ArrayList<>();
        for (ServiceSpec spec : specs.values()) {
            if (!Files.isRegularFile(layout.serviceJar(spec.module()))) {
                missing.add(spec.module());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not built: " + missing + " (run ./mvnw -DskipTests package)");
        }
    }

    private void checkPortsFree() {
        for (ServiceSpec spec : specs.values()) {
            if (Ports.listening(spec.port())) {
                throw new IllegalStateException("port " + spec.port() + " (" + spec.name()
                        + ") is already in use: is Manchete already running? Stop it or choose other ports.");
            }
        }
    }

    private static void joinAll(List<CompletableFuture<Void>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public ServiceSpec service(String name) {
        return specs.get(name);
    }

    public String gatewayUrl() {
        return specs.get("gateway").baseUrl();
    }

    public Postgres postgres() {
        return postgres;
    }

    public InfinispanServer infinispan() {
        return infinispan;
    }

    public ManagedProcess process(String name) {
        return processes.get(name);
    }

    /**
     * Starts one more gateway replica on its own port, sharing the suite's Infinispan and services:
     * what a second gateway pod would be. Named {@code gateway-2}, {@code gateway-3}, …
     */
    public ServiceSpec addGateway() {
        String name;
        synchronized (specs) {
            int n = 2;
            while (specs.containsKey("gateway-" + n)) {
                n++;
            }
            name = "gateway-" + n;
            specs.put(name, new ServiceSpec(name, "gateway", Ports.freePort(), null));
        }
        ServiceSpec spec = specs.get(name);
        startService(spec);
        return spec;
    }

    /** Stops a part gracefully (SIGTERM) without forgetting it, so {@link #restart} brings it back. */
    public void stop(String name) {
        ManagedProcess p = processes.get(name);
        if (p != null) {
            p.close();
        }
    }

    /** Restarts a stopped or killed service with the same settings (its log continues), waiting until it is ready. */
    public void restart(String name) {
        ManagedProcess old = processes.get(name);
        if (old != null) {
            old.close();
        }
        startService(specs.get(name), old != null);
    }

    /** Drops the suite's databases: for test runs with a {@link Options#databasePrefix()}. */
    public void dropDatabases() {
        if (postgres != null && !options.databasePrefix().isEmpty()) {
            for (ServiceSpec spec : specs.values()) {
                if (spec.hasDatabase()) {
                    postgres.dropDatabase(spec.database());
                }
            }
        }
    }

    /** Stops everything it started, gateway first, Infinispan and an embedded PostgreSQL last. */
    @Override
    public void close() {
        List<String> order = new ArrayList<>(processes.keySet());
        order.sort((a, b) -> Boolean.compare(!a.startsWith("gateway"), !b.startsWith("gateway")));
        for (String name : order) {
            ManagedProcess p = processes.get(name);
            if (p != null) {
                progress.step(name, "stopping");
                p.close();
            }
        }
        if (infinispan != null) {
            progress.step("infinispan", "stopping");
            infinispan.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
