package io.manchete.launcher.bench;

import io.manchete.launcher.DemoData;
import io.manchete.launcher.Http;
import io.manchete.launcher.ManagedProcess;
import io.manchete.launcher.Ports;
import io.manchete.launcher.Postgres;
import io.manchete.launcher.Progress;
import io.manchete.launcher.ProjectLayout;
import io.manchete.launcher.Suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code bench/run}: how many readers Manchete serves, side by side with Varnish, and where the
 * bottleneck is. Starts the suite (or uses a running one), makes sure the demo data is there, warms
 * up, runs the scenarios with wrk and writes JSON, Markdown and an SVG chart under
 * {@code bench/results/<timestamp>/}. See {@code bench/README.md}.
 */
public final class Bench {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final BenchOptions o;
    private final ProjectLayout layout;
    private final Progress progress = new Progress(System.out);
    private final Path runDir;
    private final Path stateDir;
    private final ProcessStats stats = new ProcessStats();
    private final List<AutoCloseable> toClose = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean shutDown = new AtomicBoolean();
    // HTTP/1.1, as wrk, Prometheus and a load balancer speak to the gateway: Java's default (HTTP/2, an
    // h2c upgrade) sent the gateway the one kind of request nothing else sends it, and the first of
    // those during a warm-up or at the start of a measurement threw away its compiled request path
    // (docs/performance.md, runs 50–51)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, Map<String, Object>> results = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> jvmOptions;

    private Suite suite;
    private Connection pg;
    private List<String> databases;
    private String gatewayUrl;
    private String pageUrl;
    private String contentUrl;
    private String commentsUrl;
    private String infinispanHosts;
    private String missUrl;
    private List<DemoData.Article> byPopularity;
    private Path pathsFile;
    private volatile Wrk running;

    private Bench(BenchOptions o, ProjectLayout layout) {
        this.o = o;
        this.layout = layout;
        this.runDir = o.out().resolve(ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
        this.stateDir = layout.stateDir().resolve("bench");
        List<String> jvm = new ArrayList<>(Suite.Options.localDefaults(layout).jvmOptions());
        if (o.jfr()) {
            jvm.add("-XX:StartFlightRecording=dumponexit=true,settings=profile,filename=" + runDir.resolve("jfr") + "/");
        }
        this.jvmOptions = List.copyOf(jvm);
    }

    public static void main(String[] args) {
        ProjectLayout layout = ProjectLayout.locate();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("help")) {
                BenchOptions.usage().forEach(System.out::println);
                return;
            }
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, layout.root());
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
            BenchOptions.usage().forEach(System.err::println);
            System.exit(2);
            return;
        }
        Bench bench = new Bench(options, layout);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::shutdown, "bench-stop"));
        int rc;
        try {
            rc = bench.run();
        } catch (RuntimeException e) {
            System.err.println("\nbench: " + e.getMessage());
            rc = 1;
        } finally {
            bench.shutdown();
        }
        System.exit(rc);
    }

    private int run() {
        requireWrk();
        try {
            Files.createDirectories(runDir);
            if (o.jfr()) {
                Files.createDirectories(runDir.resolve("jfr"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.step("bench", "results go to " + runDir);
        writePaths();
        if (o.managed()) {
            startSuite();
        } else {
            attach();
        }
        registerParts();
        checkDemoData();
        if (!o.gatewayProps().containsKey("quarkus.otel.sdk.disabled") && !Ports.listening(4317)) {
            String warning = "no OpenTelemetry collector on 127.0.0.1:4317: the JVMs trace and try to export spans anyway "
                    + "(--no-tracing turns tracing off)";
            progress.step("bench", "note: " + warning);
            warnings.add(warning);
        }
        if (sendsEarlyHints(gatewayUrl, byPopularity.get(0).path())) {
            String warning = "the gateway at " + gatewayUrl + " sends 103 Early Hints, which wrk takes for the answer: "
                    + "restart it with manchete.early-hints.enabled=false";
            progress.step("bench", "warning: " + warning);
            warnings.add(warning);
        }
        boolean needMiss = o.scenarios().contains("b") || o.scenarios().contains("e");
        if (needMiss) {
            startMissGateway();
        }
        Map<String, Object> warm = warmPass("gateway", gatewayUrl);
        for (String id : BenchOptions.ALL) {
            if (!o.scenarios().contains(id)) {
                continue;
            }
            stopIfShuttingDown();
            Map<String, Object> result;
            try {
                result = switch (id) {
                    case "a" -> scenarioA();
                    case "b" -> scenarioB();
                    case "c" -> scenarioC();
                    case "d" -> scenarioD();
                    case "e" -> scenarioE();
                    default -> throw new IllegalStateException(id);
                };
            } catch (RuntimeException e) {
                progress.step("(" + id + ")", "failed: " + e.getMessage());
                result = notAvailable(id, "failed: " + firstLine(e.getMessage()));
            }
            stopIfShuttingDown();
            results.put(id, result);
        }
        stopIfShuttingDown();
        Report report = new Report(o, meta(warm), results, display(runDir));
        String markdown = report.write(runDir, layout.root().resolve("bench/chart.py"));
        System.out.println();
        System.out.println(markdown);
        progress.step("bench", "wrote " + runDir + " and " + o.out().resolve("latest.md"));
        return 0;
    }

    /** After Ctrl-C or SIGTERM: no more scenarios, and no partial report over latest.md. */
    private void stopIfShuttingDown() {
        if (shutDown.get()) {
            throw new IllegalStateException("stopped before the end: no report written");
        }
    }

    // ---------------------------------------------------------------- the suite

    private void startSuite() {
        DemoData.Size size = new DemoData.Size(o.articles(), o.comments(), o.seed());
        int base = o.portBase();
        for (int port : List.of(base, base + 1, base + 2, base + 3, o.missGatewayPort(), o.varnishPort(), o.infinispanPort())) {
            if (Ports.listening(port)) {
                throw new IllegalStateException("port " + port + " is in use: choose other ports with --port-base (see `ss -ltn`)");
            }
        }
        databases = List.of(o.dbPrefix() + "_pages", o.dbPrefix() + "_content", o.dbPrefix() + "_comments");
        if (o.fresh()) {
            progress.step("bench", "--fresh: dropping " + databases);
            try (Postgres postgres = Postgres.obtain(stateDir.resolve("pgdata"))) {
                databases.forEach(postgres::dropDatabase);
            }
        }
        Map<String, Map<String, String>> overrides = Map.of("gateway", o.gatewayProps(), "page", o.serviceProps(),
                "content", o.serviceProps(), "comments", o.serviceProps());
        Suite.Options options = new Suite.Options(base, base + 1, base + 2, base + 3, o.infinispanPort(), o.dbPrefix(),
                size, stateDir, overrides, jvmOptions);
        // the Infinispan Server's heap and collector for load (InfinispanServer.memoryOptions)
        if (System.getProperty("manchete.infinispan.gc") == null) {
            System.setProperty("manchete.infinispan.gc", "g1");
        }
        suite = new Suite(layout, options, progress);
        toClose.add(() -> {
            progress.step("bench", "stopping the suite");
            suite.close();
        });
        suite.start();
        gatewayUrl = suite.gatewayUrl();
        pageUrl = suite.service("page").baseUrl();
        contentUrl = suite.service("content").baseUrl();
        commentsUrl = suite.service("comments").baseUrl();
        infinispanHosts = suite.infinispan().hosts();
        try {
            pg = suite.postgres().connect("postgres");
        } catch (SQLException e) {
            progress.step("postgres", "cannot watch the backends: " + e.getMessage());
        }
    }

    private void attach() {
        gatewayUrl = o.url();
        pageUrl = o.pageUrl();
        contentUrl = o.contentUrl();
        commentsUrl = o.commentsUrl();
        infinispanHosts = o.infinispan();
        int status = Http.status(gatewayUrl + "/");
        if (status != 200) {
            throw new IllegalStateException("no Manchete at " + gatewayUrl + " (GET / answered " + status + ")");
        }
        for (String url : List.of(pageUrl, contentUrl, commentsUrl)) {
            if (Http.status(url + "/q/health/ready") != 200) {
                progress.step("bench", url + " is not ready (or not there): its metrics will be missing");
            }
        }
        String prefix = o.dbPrefix().isEmpty() ? "" : o.dbPrefix() + "_";
        databases = List.of(prefix + "pages", prefix + "content", prefix + "comments");
        String host = env("MANCHETE_PG_HOST", "127.0.0.1");
        String port = env("MANCHETE_PG_PORT", "5432");
        Properties props = new Properties();
        props.setProperty("user", env("MANCHETE_PG_USER", "postgres"));
        props.setProperty("connectTimeout", "3");
        try {
            pg = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", props);
        } catch (SQLException e) {
            progress.step("postgres", "cannot watch the backends at " + host + ":" + port + ": " + e.getMessage());
        }
        progress.step("bench", "using the running Manchete at " + gatewayUrl);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private void registerParts() {
        if (suite != null) {
            for (String name : List.of("gateway", "page", "content", "comments")) {
                long pid = suite.process(name).pid();
                stats.add(new ProcessStats.Part(name, () -> ProcessStats.tree(pid)));
            }
            long ispn = suite.infinispan().process().pid();
            stats.add(new ProcessStats.Part("infinispan", () -> ProcessStats.tree(ispn)));
        } else {
            stats.add(new ProcessStats.Part("gateway", ProcessStats.byPort(URI.create(gatewayUrl).getPort())));
            stats.add(new ProcessStats.Part("page", ProcessStats.byPort(URI.create(pageUrl).getPort())));
            stats.add(new ProcessStats.Part("content", ProcessStats.byPort(URI.create(contentUrl).getPort())));
            stats.add(new ProcessStats.Part("comments", ProcessStats.byPort(URI.create(commentsUrl).getPort())));
            stats.add(new ProcessStats.Part("infinispan", ProcessStats.byPort(o.infinispanPort())));
        }
        if (pg != null) {
            stats.add(new ProcessStats.Part("postgres", this::postgresBackends));
        }
    }

    /** The PostgreSQL backends serving the bench's databases (the server may be shared with others). */
    private synchronized Set<Long> postgresBackends() {
        Set<Long> pids = new LinkedHashSet<>();
        try (PreparedStatement st = pg.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY (?) AND pid <> pg_backend_pid()")) {
            st.setArray(1, pg.createArrayOf("text", databases.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            // reported as no processes
        }
        return pids;
    }

    /** Starts a gateway or service JVM of our own, next to the suite's, and waits until it is ready. */
    private ManagedProcess startJvm(String name, String module, int port, Map<String, String> extra) {
        if (Ports.listening(port)) {
            throw new IllegalStateException("port " + port + " for " + name + " is in use: choose --port-base");
        }
        progress.step(name, "starting on http://127.0.0.1:" + port + " with " + extra + " …");
        List<String> command = new ArrayList<>();
        command.add(ManagedProcess.javaBinary());
        command.addAll(jvmOptions);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.port", Integer.toString(port));
        props.put("quarkus.http.host", "127.0.0.1");
        props.put("quarkus.infinispan-client.hosts", infinispanHosts);
        props.put("manchete.services.page.url", pageUrl);
        props.put("manchete.services.content.url", contentUrl);
        props.put("manchete.services.comments.url", commentsUrl);
        props.put("manchete.services.gateway.url", gatewayUrl);
        props.putAll(module.equals("gateway") ? o.gatewayProps() : o.serviceProps());
        props.putAll(extra);
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(layout.serviceJar(module).toString());
        Path dir = stateDir.resolve(name);
        ManagedProcess process = ManagedProcess.start(name, command, dir, dir.resolve(name + ".log"));
        toClose.add(process);
        String base = "http://127.0.0.1:" + port;
        process.awaitReady(() -> Http.status(base + "/q/health/ready") == 200, Duration.ofSeconds(180));
        progress.step(name, "ready  (log: " + process.log() + ")");
        return process;
    }

    private void startMissGateway() {
        ManagedProcess miss = startJvm("gateway-miss", "gateway", o.missGatewayPort(), o.missProps());
        missUrl = "http://127.0.0.1:" + o.missGatewayPort();
        stats.add(new ProcessStats.Part("gateway-miss", () -> ProcessStats.tree(miss.pid())));
    }

    // ---------------------------------------------------------------- data

    private void writePaths() {
        progress.step("bench", "generating the demo data's " + o.articles() + " article paths in popularity order …");
        DemoData demo = new DemoData(new DemoData.Size(o.articles(), o.comments(), o.seed()));
        List<DemoData.Article> articles = demo.articles();
        int[] popular = demo.popularity();
        List<DemoData.Article> ordered = new ArrayList<>(articles.size());
        StringBuilder lines = new StringBuilder(articles.size() * 64);
        for (int index : popular) {
            DemoData.Article a = articles.get(index);
            ordered.add(a);
            lines.append(a.path()).append('\n');
        }
        byPopularity = List.copyOf(ordered);
        pathsFile = runDir.resolve("paths.txt");
        try {
            Files.writeString(pathsFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The most popular and the last generated article must be there, or the site holds other data. */
    private void checkDemoData() {
        List<DemoData.Article> probe = List.of(byPopularity.get(0), byPopularity.get(byPopularity.size() / 2),
                byPopularity.get(byPopularity.size() - 1));
        for (DemoData.Article a : probe) {
            // A cold suite may answer a page it has never seen with 503 + Retry-After (its first
            // fragment calls miss their budgets); a reader would try again, and so does the bench.
            int status = Http.status(gatewayUrl + a.path());
            for (int attempt = 0; status == 503 && attempt < 30; attempt++) {
                pause(1000);
                status = Http.status(gatewayUrl + a.path());
            }
            if (status != 200) {
                throw new IllegalStateException("the demo data is not there: GET " + a.path() + " answered " + status
                        + (o.managed() ? " (try --fresh)" : " (start Manchete with ./manchete up --articles "
                        + o.articles() + " --seed " + o.seed() + ", or pass the --articles/--seed it was loaded with)"));
            }
        }
        progress.step("demo-data", o.articles() + " articles answer through the gateway");
    }

    // ---------------------------------------------------------------- warming up

    /**
     * The warm pass's name for a 200 page that shows a placeholder (a fragment missed its budget or
     * its breaker was open): such a page is cached only briefly, so it is asked for again.
     */
    static final int PLACEHOLDER = 299;

    /**
     * Asks for every page once (most popular first), a few at a time, within the warm-pass budget;
     * pages that did not answer 200 or showed a placeholder are asked for again (revalidating, so the
     * page is built anew), more slowly. Otherwise (a) would rebuild the placeholder pages of the most
     * popular articles while it measures cache hits.
     */
    private Map<String, Object> warmPass(String name, String baseUrl) {
        progress.step(name, "warm pass: every article page once …");
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(o.warmPassSeconds());
        List<String> pending = new ArrayList<>();
        byPopularity.forEach(a -> pending.add(a.path()));
        Map<Integer, Integer> first = new TreeMap<>();
        int requests = 0;
        // a second and third round, slower, for the pages that failed (cold services, open breakers)
        int[] workers = {12, 4, 2};
        for (int round = 0; round < workers.length && !pending.isEmpty() && System.nanoTime() < deadline; round++) {
            if (round > 0) {
                progress.step(name, "warm pass: " + pending.size() + " pages did not answer 200 or showed a "
                        + "placeholder (" + PLACEHOLDER + "), again in 2 s with " + workers[round] + " at a time …");
                pause(2_000);
            }
            Map<String, Integer> result = fetchAll(baseUrl, pending, workers[round], deadline, round > 0);
            requests += result.size();
            List<String> failed = new ArrayList<>();
            for (Map.Entry<String, Integer> e : result.entrySet()) {
                if (round == 0) {
                    first.merge(e.getValue(), 1, Integer::sum);
                }
                if (e.getValue() != 200) {
                    failed.add(e.getKey());
                }
            }
            pending.removeIf(path -> result.containsKey(path) && result.get(path) == 200);
            if (round > 0 && failed.size() == result.size()) {
                break;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int ok = byPopularity.size() - pending.size();
        boolean complete = pending.isEmpty();
        progress.step(name, String.format(Locale.ROOT, "warm pass: %d of %d pages answered 200, whole (%d requests in %.1f s; "
                        + "first round %s)%s", ok, byPopularity.size(), requests, seconds, first,
                complete ? "" : " — not all: the scenarios start with colder caches"));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("pagesOk", ok);
        summary.put("of", byPopularity.size());
        summary.put("requests", requests);
        summary.put("seconds", seconds);
        summary.put("firstRoundStatuses", first);
        summary.put("complete", complete);
        return summary;
    }

    /** GETs each path once, {@code parallel} at a time, until done or the deadline; path → status (-1: no answer). */
    private Map<String, Integer> fetchAll(String baseUrl, List<String> paths, int parallel, long deadline,
                                          boolean revalidate) {
        AtomicInteger next = new AtomicInteger();
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int w = 0; w < parallel; w++) {
                all.add(CompletableFuture.runAsync(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < paths.size() && System.nanoTime() < deadline) {
                        statuses.put(paths.get(i), warm(baseUrl + paths.get(i), revalidate));
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
        return statuses;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A GET's status, {@link #PLACEHOLDER} for a 200 page with a placeholder, -1 for no answer. */
    private int warm(String url, boolean revalidate) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (revalidate) {
            request.header("Cache-Control", "no-cache");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("fragment-unavailable") ? PLACEHOLDER
                    : response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Whether a page that must be built (Cache-Control: no-cache) is preceded by a 103 answer. */
    private static boolean sendsEarlyHints(String baseUrl, String path) {
        URI uri = URI.create(baseUrl);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            int n = socket.getInputStream().readNBytes(head, 0, head.length);
            return new String(head, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 103");
        } catch (IOException e) {
            return false;
        }
    }

    private double timeGetMs(String url) {
        long t0 = System.nanoTime();
        int status = warm(url, false);
        double ms = (System.nanoTime() - t0) / 1e6;
        return status >= 200 && status < 400 ? ms : -1;
    }

    // ---------------------------------------------------------------- scenarios

    /** What one measured run needs. */
    private record Target(String id, String title, String url, double postShare, List<String> serviceMetrics,
                          String gatewayMetrics, String cacheKind, Varnish varnish, Supplier<Editor> editors) {
        /** A new editor for this scenario (its own counts), or null when it has none. */
        Editor newEditor() {
            return editors == null ? null : editors.get();
        }
    }

    private Map<String, Object> scenarioA() {
        return measure(new Target("a", "cached pages, Zipf", gatewayUrl, 0, serviceUrls(), gatewayUrl, "page", null, null));
    }

    private Map<String, Object> scenarioB() {
        Map<String, Object> r = measure(new Target("b", "page-cache misses (composition)", missUrl, 0, serviceUrls(),
                missUrl, "fragment", null, null));
        notePageCacheBypassed(r, missUrl);
        return r;
    }

    private Map<String, Object> scenarioC() {
        Supplier<Editor> editors = () -> {
            Editor editor = new Editor(contentUrl, o.editorToken(), byPopularity);
            toClose.add(editor);
            return editor;
        };
        return measure(new Target("c", "realistic mix: reads, 2 % comments, 1 edit/s", gatewayUrl, 0.02, serviceUrls(),
                gatewayUrl, "page", null, editors));
    }

    private Map<String, Object> scenarioE() {
        if (!Varnish.installed()) {
            return notAvailable("e", "varnishd is not installed (apt-get install varnish)");
        }
        progress.step("varnish", "starting on 127.0.0.1:" + o.varnishPort() + " in front of " + missUrl + " …");
        Varnish varnish = Varnish.start(layout.root().resolve("bench/varnish/manchete.vcl"), o.varnishPort(),
                o.missGatewayPort(), runDir.resolve("varnishd.log"));
        toClose.add(varnish);
        stats.add(new ProcessStats.Part("varnishd", () -> ProcessStats.tree(varnish.pid())));
        try {
            String url = "http://127.0.0.1:" + o.varnishPort();
            Map<String, Object> warm = warmPass("varnish", url);
            Map<String, Object> r = measure(new Target("e", "Varnish 7 in front (gateway page cache off)", url, 0,
                    serviceUrls(), missUrl, "varnish", varnish, null));
            r.put("warmPass", warm);
            return r;
        } finally {
            progress.step("varnish", "stopping");
            varnish.close();
            toClose.remove(varnish);
            stats.remove("varnishd");
        }
    }

    private Map<String, Object> scenarioD() {
        if (!o.managed()) {
            if (o.delayUrl() == null) {
                return notAvailable("d", "needs services started with " + o.delayProps()
                        + ": run without --url, or pass --delay-url to a gateway in front of such services");
            }
            return measure(new Target("d", "fan-out, each service +100 ms", o.delayUrl(), 0, List.of(), o.delayUrl(),
                    "fragment", null, null));
        }
        String[] names = {"page-delay", "content-delay", "comments-delay"};
        String[] modules = {"page-service", "content-service", "comments-service"};
        String[] specs = {"page", "content", "comments"};
        List<ManagedProcess> started = new ArrayList<>();
        String savedPage = pageUrl;
        String savedContent = contentUrl;
        String savedComments = commentsUrl;
        try {
            String[] urls = new String[3];
            for (int i = 0; i < 3; i++) {
                urls[i] = "http://127.0.0.1:" + o.delayPort(i);
            }
            // the delayed services call each other (and their purge relays the main gateway)
            pageUrl = urls[0];
            contentUrl = urls[1];
            commentsUrl = urls[2];
            List<CompletableFuture<ManagedProcess>> starting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                Map<String, String> props = new LinkedHashMap<>();
                String db = suite.service(specs[n]).database();
                props.put("quarkus.datasource.username", suite.postgres().user());
                props.put("quarkus.datasource.reactive.url", suite.postgres().reactiveUrl(db));
                props.put("quarkus.datasource.jdbc.url", suite.postgres().jdbcUrl(db));
                props.putAll(o.delayProps());
                starting.add(CompletableFuture.supplyAsync(() -> startJvm(names[n], modules[n], o.delayPort(n), props)));
            }
            for (CompletableFuture<ManagedProcess> f : starting) {
                try {
                    started.add(f.join());
                } catch (RuntimeException e) {
                    throw new IllegalStateException(firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
                }
            }
            DemoData.Article top = byPopularity.get(0);
            Map<String, String> probes = new LinkedHashMap<>();
            probes.put("page-service", urls[0] + "/api/v1/layouts/article/" + top.section());
            probes.put("content-service", urls[1] + "/fragments/article/" + top.slug());
            probes.put("comments-service", urls[2] + "/fragments/comments/" + top.slug() + "?section=" + top.section());
            List<String> missing = new ArrayList<>();
            Map<String, Object> probeMs = new LinkedHashMap<>();
            for (Map.Entry<String, String> p : probes.entrySet()) {
                timeGetMs(p.getValue());
                double ms = Math.min(timeGetMs(p.getValue()), timeGetMs(p.getValue()));
                probeMs.put(p.getKey(), ms);
                if (ms < 90) {
                    missing.add(String.format(Locale.ROOT, "%s answered in %.0f ms", p.getKey(), ms));
                }
            }
            if (!missing.isEmpty()) {
                Map<String, Object> r = notAvailable("d", "the services ignore " + o.delayProps() + " (" + String.join(", ", missing)
                        + "): they need that test-only delay");
                r.put("probeMs", probeMs);
                return r;
            }
            ManagedProcess gateway = startJvm("gateway-delay", "gateway", o.delayPort(3), o.delayGatewayProps());
            started.add(gateway);
            for (ManagedProcess p : started) {
                stats.add(new ProcessStats.Part(p.name(), () -> ProcessStats.tree(p.pid())));
            }
            String url = "http://127.0.0.1:" + o.delayPort(3);
            Map<String, Object> r = measure(new Target("d", "fan-out, each service +100 ms", url, 0, List.of(urls), url,
                    "fragment", null, null));
            r.put("probeMs", probeMs);
            return r;
        } finally {
            pageUrl = savedPage;
            contentUrl = savedContent;
            commentsUrl = savedComments;
            for (ManagedProcess p : started) {
                progress.step(p.name(), "stopping");
                p.close();
                stats.remove(p.name());
                toClose.remove(p);
            }
        }
    }

    private List<String> serviceUrls() {
        return List.of(pageUrl, contentUrl, commentsUrl);
    }

    private void notePageCacheBypassed(Map<String, Object> r, String url) {
        try {
            HttpResponse<Void> resp = http.send(HttpRequest.newBuilder(URI.create(url + byPopularity.get(0).path()))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
            String status = resp.headers().firstValue("Cache-Status").orElse("(none)");
            if (!status.contains("bypass")) {
                note(r, "the miss gateway's Cache-Status is " + status + ": is " + o.missProps() + " honoured?");
            }
        } catch (IOException e) {
            note(r, "could not check the miss gateway's Cache-Status: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> notAvailable(String id, String reason) {
        progress.step("(" + id + ")", "n/a: " + reason);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("title", Report.TITLES.get(id));
        r.put("status", "n/a");
        r.put("reason", reason);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static void note(Map<String, Object> r, String text) {
        ((List<String>) r.computeIfAbsent("notes", k -> new ArrayList<String>())).add(text);
    }

    private List<String> luaArgs(double postShare) {
        return List.of(pathsFile.toString(), Long.toString(o.seed()), String.format(Locale.ROOT, "%.4f", postShare), "1.0");
    }

    /** JIT compilation above which the warm-up goes on: 0.1 core, over all the JVMs measured. */
    static final double JIT_SETTLED_CORES = 0.1;
    static final int SETTLE_STEP_S = 5;

    /**
     * More warm-up, {@value #SETTLE_STEP_S} s at a time, while the JVMs' JIT compilers are still busy
     * (over {@link #JIT_SETTLED_CORES} cores in the last step), for at most {@code --settle} seconds:
     * on a 2-core machine a compiler still working through the warm pass's code takes CPU from the code
     * being measured. {@code cores} is what the compilers used during the end of the warm-up, under
     * load: read without load, the compilers had already drained their queue, and (d)'s slow, low-rate
     * requests kept theirs busy during the whole run (runs 16–19). Answers the seconds added.
     */
    private int settle(Target t, Path script, double cores) {
        if (o.settle() <= 0 || cores <= JIT_SETTLED_CORES) {
            return 0;
        }
        progress.step("(" + t.id() + ")", String.format(Locale.ROOT,
                "the JIT compilers use %.2f cores: more warm-up until they settle (at most %d s) …", cores, o.settle()));
        int added = 0;
        while (cores > JIT_SETTLED_CORES && added < o.settle()) {
            int step = Math.min(SETTLE_STEP_S, o.settle() - added);
            Map<String, Long> jitBefore = stats.jitNanos();
            long start = System.nanoTime();
            Wrk more = Wrk.start(script, t.url(), o.threads(), o.connections(), step, luaArgs(t.postShare()),
                    runDir.resolve("wrk-" + t.id() + "-settle.txt"));
            running = more;
            more.await();
            added += step;
            cores = jitCores(jitBefore, stats.jitNanos(), (System.nanoTime() - start) / 1e9);
        }
        progress.step("(" + t.id() + ")", String.format(Locale.ROOT, "JIT compilers at %.2f cores after %d s more warm-up",
                cores, added));
        return added;
    }

    static double jitCores(Map<String, Long> before, Map<String, Long> after, double seconds) {
        long nanos = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            nanos += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), e.getValue()));
        }
        return seconds <= 0 ? 0 : nanos / 1e9 / seconds;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Warm-up, counters before, wrk (+ the editor), counters after, and what they mean. */
    private Map<String, Object> measure(Target t) {
        Path script = layout.root().resolve("bench/wrk/zipf.lua");
        double warmJit = 0;
        // the editor works during the warm-up too: its edits take branches (a rebuilt section, a changed
        // article) that reads and posts never take, and a branch first taken in the measured window
        // throws away compiled code that the compilers then make again there (runs 49–50)
        Editor warmEditor = o.warmup() > 0 || o.settle() > 0 ? t.newEditor() : null;
        if (warmEditor != null) {
            warmEditor.start();
        }
        if (o.warmup() > 0) {
            progress.step("(" + t.id() + ")", "warm-up " + o.warmup() + " s against " + t.url() + " …");
            // the scenario's own mix (its posts too), so the code it measures is the code that was warmed
            Wrk warm = Wrk.start(script, t.url(), o.threads(), o.connections(), o.warmup(), luaArgs(t.postShare()),
                    runDir.resolve("wrk-" + t.id() + "-warmup.txt"));
            running = warm;
            // the compilers' work is read over the warm-up's last SETTLE_STEP_S seconds, under load
            long startedAt = System.nanoTime();
            sleepQuietly(Math.max(0, o.warmup() - SETTLE_STEP_S) * 1_000L);
            Map<String, Long> tailStart = stats.jitNanos();
            long from = System.nanoTime();
            warm.await();
            warmJit = jitCores(tailStart, stats.jitNanos(), (System.nanoTime() - from) / 1e9);
            progress.step("(" + t.id() + ")", String.format(Locale.ROOT,
                    "warm-up done in %.0f s, JIT compilers at %.2f cores at its end", (System.nanoTime() - startedAt) / 1e9, warmJit));
        }
        int settledAfter;
        try {
            settledAfter = settle(t, script, warmJit);
        } finally {
            if (warmEditor != null) {
                warmEditor.stop();
            }
        }
        Map<String, Long> jitBefore = stats.jitNanos();
        Map<String, Prometheus.Scrape> before = scrapeAll(t);
        Map<String, Double> varnishBefore = t.varnish() == null ? Map.of() : t.varnish().stats();
        ProcessStats.Snapshot snapBefore = stats.snapshot();
        progress.step("(" + t.id() + ")", t.title() + ": " + o.duration() + " s, " + o.connections() + " connections against "
                + t.url() + " …");
        Wrk wrk = Wrk.start(script, t.url(), o.threads(), o.connections(), o.duration(), luaArgs(t.postShare()),
                runDir.resolve("wrk-" + t.id() + ".txt"));
        running = wrk;
        Editor measuredEditor = t.newEditor();
        if (measuredEditor != null) {
            measuredEditor.start();
        }
        Map<String, Double> rssMax = new LinkedHashMap<>();
        double[] wrkCpu = {0};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                stats.rssMb().forEach((k, v) -> rssMax.merge(k, v, Math::max));
                long c = ProcessStats.cpuNanos(wrk.pid());
                if (c >= 0) {
                    wrkCpu[0] = c / 1e9;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Wrk.Result w;
        Map<String, Object> editor = null;
        try {
            w = wrk.await();
        } finally {
            sampler.interrupt();
            if (measuredEditor != null) {
                editor = measuredEditor.stop();
            }
        }
        try {
            sampler.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessStats.Snapshot snapAfter = stats.snapshot();
        Map<String, Long> jitAfter = stats.jitNanos();
        Map<String, Prometheus.Scrape> after = scrapeAll(t);
        Map<String, Double> varnishAfter = t.varnish() == null ? Map.of() : t.varnish().stats();
        double seconds = (snapAfter.nanoTime() - snapBefore.nanoTime()) / 1e9;

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", t.id());
        r.put("title", t.title());
        r.put("status", "ok");
        r.put("url", t.url());
        r.put("durationS", w.seconds());
        r.put("requests", w.requests());
        r.put("posts", w.posts());
        long reads = w.requests() - w.posts();
        r.put("pageViews", reads);
        r.put("rps", w.rps());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("mean", w.meanMs());
        latency.put("p50", w.p50Ms());
        latency.put("p90", w.p90Ms());
        latency.put("p99", w.p99Ms());
        latency.put("max", w.maxMs());
        r.put("latencyMs", latency);
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("status", w.statusErrors());
        errors.put("connect", w.connectErrors());
        errors.put("read", w.readErrors());
        errors.put("write", w.writeErrors());
        errors.put("timeout", w.timeouts());
        errors.put("total", w.errors());
        r.put("errors", errors);

        // database round trips per 1,000 page views
        Map<String, Object> db = new LinkedHashMap<>();
        double queries = 0;
        Map<String, Double> byCause = new LinkedHashMap<>();
        boolean anyDb = false;
        for (String url : t.serviceMetrics()) {
            Prometheus.Scrape b = before.get(url);
            Prometheus.Scrape a = after.get(url);
            if (a != null && a.answered() && a.has(Prometheus.DB_QUERIES)) {
                double d = a.sum(Prometheus.DB_QUERIES) - (b == null ? 0 : b.sum(Prometheus.DB_QUERIES));
                db.put(url, d);
                queries += d;
                anyDb = true;
                // what the statements were for (services label them cause=read|write|background)
                for (String cause : List.of("read", "write", "background")) {
                    double c = a.sum(Prometheus.DB_QUERIES, "cause", cause)
                            - (b == null ? 0 : b.sum(Prometheus.DB_QUERIES, "cause", cause));
                    byCause.merge(cause, c, Double::sum);
                }
            }
        }
        if (anyDb) {
            r.put("dbQueries", db);
            r.put("dbQueriesPer1000Views", reads > 0 ? queries * 1000.0 / reads : null);
            if (reads > 0 && byCause.values().stream().mapToDouble(Double::doubleValue).sum() > 0) {
                Map<String, Object> per1000 = new LinkedHashMap<>();
                byCause.forEach((cause, n) -> per1000.put(cause, n * 1000.0 / reads));
                r.put("dbQueriesPer1000ViewsByCause", per1000);
            }
        } else {
            r.put("dbQueriesPer1000Views", null);
            if (!t.serviceMetrics().isEmpty()) {
                note(r, "no " + Prometheus.DB_QUERIES + " at the services' /q/metrics");
            }
        }

        // the gateway's answers by status (what wrk counts as errors, and which)
        Prometheus.Scrape gb = before.get(t.gatewayMetrics());
        Prometheus.Scrape ga = after.get(t.gatewayMetrics());
        if (ga != null && ga.has(Prometheus.PAGE_ANSWERS)) {
            Map<String, Double> was = gb == null ? Map.of() : gb.byLabel(Prometheus.PAGE_ANSWERS, "status");
            Map<String, Object> statuses = new TreeMap<>();
            ga.byLabel(Prometheus.PAGE_ANSWERS, "status").forEach((status, n) -> {
                double d = n - was.getOrDefault(status, 0.0);
                if (d > 0) {
                    statuses.put(status, Math.round(d));
                }
            });
            r.put("gatewayStatuses", statuses);
            // latency by route as the gateway measured it (its histogram): which requests make the tail
            Map<String, Object> byRoute = new TreeMap<>();
            StringBuilder text = new StringBuilder("gateway-measured latency by route (histogram bucket bounds):");
            Map<String, Double> countsWas = gb == null ? Map.of() : gb.byLabel(Prometheus.PAGE_ANSWERS, "route");
            ga.byLabel(Prometheus.PAGE_ANSWERS, "route").forEach((route, n) -> {
                long count = Math.round(n - countsWas.getOrDefault(route, 0.0));
                double p50 = ga.quantileMs(gb, Prometheus.PAGE_BUCKETS, "route", route, 0.50);
                double p99 = ga.quantileMs(gb, Prometheus.PAGE_BUCKETS, "route", route, 0.99);
                if (count <= 0 || !Double.isFinite(p50) || !Double.isFinite(p99)) {
                    return;
                }
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("count", count);
                one.put("p50MsAtMost", p50);
                one.put("p99MsAtMost", p99);
                byRoute.put(route, one);
                text.append(String.format(Locale.ROOT, "%s %s %d answers, p50 ≤ %.1f ms, p99 ≤ %.1f ms",
                        byRoute.size() > 1 ? ";" : "", route, count, p50, p99));
            });
            // a comment post's tail split: how much of it was the gateway's call to comments-service
            double postP50 = byRoute.containsKey("comment")
                    ? ga.quantileMs(gb, Prometheus.FRAGMENT_BUCKETS, "slot", "comment-post", 0.50) : Double.NaN;
            double postP99 = Double.isFinite(postP50)
                    ? ga.quantileMs(gb, Prometheus.FRAGMENT_BUCKETS, "slot", "comment-post", 0.99) : Double.NaN;
            if (Double.isFinite(postP50) && Double.isFinite(postP99)) {
                Map<String, Object> upstream = new LinkedHashMap<>();
                upstream.put("p50MsAtMost", postP50);
                upstream.put("p99MsAtMost", postP99);
                r.put("commentPostUpstream", upstream);
                text.append(String.format(Locale.ROOT, " (of which the call to comments-service: p50 ≤ %.1f ms, p99 ≤ %.1f ms)",
                        postP50, postP99));
            }
            if (!byRoute.isEmpty()) {
                r.put("gatewayLatencyByRoute", byRoute);
                note(r, text.toString());
            }
        }

        // caches
        r.put("pageCache", cacheDelta(before.get(t.gatewayMetrics()), after.get(t.gatewayMetrics()), Prometheus.PAGE_CACHE));
        r.put("fragmentCache", cacheDelta(before.get(t.gatewayMetrics()), after.get(t.gatewayMetrics()), Prometheus.FRAGMENT_CACHE));
        if (t.varnish() != null) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (String k : List.of("cache_hit", "cache_hit_grace", "cache_miss", "cache_hitpass", "cache_hitmiss",
                    "client_req", "backend_req")) {
                v.put(k, varnishAfter.getOrDefault(k, 0.0) - varnishBefore.getOrDefault(k, 0.0));
            }
            double hits = (double) v.get("cache_hit");
            double lookups = hits + (double) v.get("cache_miss") + (double) v.get("cache_hitpass") + (double) v.get("cache_hitmiss");
            v.put("hitRatio", lookups > 0 ? hits / lookups : null);
            r.put("varnish", v);
        }
        r.put("cacheKind", t.cacheKind());
        r.put("cacheHitRatio", switch (t.cacheKind()) {
            case "varnish" -> ((Map<?, ?>) r.get("varnish")).get("hitRatio");
            case "fragment" -> ((Map<?, ?>) r.get("fragmentCache")).get("hitRatio");
            default -> ((Map<?, ?>) r.get("pageCache")).get("hitRatio");
        });
        if (t.id().equals("d")) {
            // a page is its layout (cached) and two fragments that must come from the delayed services:
            // when fewer than half of all look-ups went to a service (fetched, or joined a fetch), the
            // fragment cache answered them and the delay was not measured
            Map<?, ?> f = (Map<?, ?>) r.get("fragmentCache");
            double fetched = num(f.get("miss")) + num(f.get("bypass")) + num(f.get("coalesced"));
            double all = fetched + num(f.get("hit")) + num(f.get("stale"));
            if (all > 0 && fetched / all < 0.5) {
                double d = 1 - fetched / all;
                String why = String.format(Locale.ROOT, "the gateway's fragment cache answered %.0f %% of the look-ups, "
                        + "so most fragments never met the delay: the gateway must honour %s", d * 100, o.delayGatewayProps());
                note(r, why);
                r.put("goalNotMeasurable", why);
            }
        }

        // processes
        Map<String, Double> cpu = ProcessStats.cpuSeconds(snapBefore, snapAfter);
        Map<String, Object> processes = new LinkedHashMap<>();
        for (ProcessStats.Part part : stats.parts()) {
            Map<String, Object> p = new LinkedHashMap<>();
            double c = cpu.getOrDefault(part.name(), 0.0);
            p.put("cpuSeconds", c);
            p.put("cores", seconds > 0 ? c / seconds : null);
            p.put("rssMaxMb", rssMax.getOrDefault(part.name(), 0.0));
            long jit = Math.max(0, jitAfter.getOrDefault(part.name(), 0L) - jitBefore.getOrDefault(part.name(), 0L));
            p.put("jitCores", seconds > 0 ? jit / 1e9 / seconds : null);
            processes.put(part.name(), p);
        }
        r.put("settleS", settledAfter);
        double jitTotal = jitCores(jitBefore, jitAfter, seconds);
        r.put("jitCores", jitTotal);
        note(r, String.format(Locale.ROOT, "JIT compilers during the run: %.2f cores%s", jitTotal,
                settledAfter > 0 ? " (warm-up went on " + settledAfter + " s for them to settle)" : ""));
        Map<String, Object> wrkPart = new LinkedHashMap<>();
        wrkPart.put("cpuSeconds", wrkCpu[0]);
        wrkPart.put("cores", seconds > 0 ? wrkCpu[0] / seconds : null);
        processes.put("wrk", wrkPart);
        r.put("processes", processes);
        r.put("machineBusyCores", ProcessStats.machineBusyCores(snapBefore, snapAfter));
        r.put("cores", Runtime.getRuntime().availableProcessors());
        if (editor != null) {
            r.put("editor", editor);
        }
        progress.step("(" + t.id() + ")", String.format(Locale.ROOT, "%.0f req/s, p50 %.1f ms, p99 %.1f ms, %d errors",
                w.rps(), w.p50Ms(), w.p99Ms(), w.errors()));
        return r;
    }

    private Map<String, Prometheus.Scrape> scrapeAll(Target t) {
        Map<String, Prometheus.Scrape> scrapes = new LinkedHashMap<>();
        for (String url : t.serviceMetrics()) {
            scrapes.put(url, Prometheus.scrape(url));
        }
        scrapes.put(t.gatewayMetrics(), Prometheus.scrape(t.gatewayMetrics()));
        return scrapes;
    }

    private static Map<String, Object> cacheDelta(Prometheus.Scrape before, Prometheus.Scrape after, String metric) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (after == null || !after.answered() || !after.has(metric)) {
            c.put("present", false);
            c.put("hitRatio", null);
            return c;
        }
        double total = 0;
        for (String result : List.of("hit", "stale", "miss", "coalesced", "bypass")) {
            double d = after.sum(metric, "result", result) - (before == null ? 0 : before.sum(metric, "result", result));
            c.put(result, d);
            total += d;
        }
        double used = total - (double) c.get("bypass");
        c.put("hitRatio", used > 0 ? ((double) c.get("hit") + (double) c.get("stale")) / used : null);
        return c;
    }

    // ---------------------------------------------------------------- report metadata

    private Map<String, Object> meta(Map<String, Object> warm) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", ZonedDateTime.now(ZoneOffset.UTC).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        m.put("commit", command(layout.root(), "git", "rev-parse", "--short", "HEAD"));
        String dirty = command(layout.root(), "git", "status", "--porcelain", "--untracked-files=no");
        m.put("uncommittedChanges", dirty != null && !dirty.isBlank());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memoryGb", memoryGb());
        m.put("java", System.getProperty("java.version"));
        m.put("wrk", firstLine(command(layout.root(), "wrk", "-v")));
        m.put("varnish", Varnish.installed() ? firstLine(command(layout.root(), "varnishd", "-V")) : null);
        m.put("mode", o.managed() ? "started by bench/run" : "running suite at " + o.url());
        m.put("gateway", gatewayUrl);
        m.put("articles", o.articles());
        m.put("comments", o.comments());
        m.put("seed", o.seed());
        m.put("durationS", o.duration());
        m.put("warmupS", o.warmup());
        m.put("connections", o.connections());
        m.put("threads", o.threads());
        m.put("jvmOptions", String.join(" ", jvmOptions));
        m.put("missGatewayProps", o.missProps());
        m.put("delayServiceProps", o.delayProps());
        m.put("delayGatewayProps", o.delayGatewayProps());
        m.put("gatewayProps", o.gatewayProps());
        m.put("serviceProps", o.serviceProps());
        m.put("databases", databases);
        m.put("warnings", warnings);
        m.put("warmPass", warm);
        return m;
    }

    private static String command(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 || command[0].equals("wrk") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return null;
    }

    private static Double memoryGb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return null;
    }

    /** A path as the reader will type it: relative to the checkout when inside it. */
    private String display(Path path) {
        Path root = layout.root();
        return path.startsWith(root) ? root.relativize(path).toString() : path.toString();
    }

    static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void requireWrk() {
        String v = command(layout.root(), "wrk", "-v");
        if (v == null || !v.contains("wrk")) {
            throw new IllegalStateException("wrk is not installed: apt-get install wrk (bench/run does that when root)");
        }
    }

    // ---------------------------------------------------------------- stopping

    /** Stops wrk, the editor, Varnish, our extra JVMs and the suite, in that order; safe to call twice. */
    private void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        Wrk w = running;
        if (w != null && w.alive()) {
            w.kill();
        }
        List<AutoCloseable> closing;
        synchronized (toClose) {
            closing = new ArrayList<>(toClose);
            toClose.clear();
        }
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                System.err.println("bench: stopping: " + e.getMessage());
            }
        }
        if (pg != null) {
            try {
                pg.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }
}
