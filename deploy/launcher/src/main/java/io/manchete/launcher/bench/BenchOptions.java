package io.manchete.launcher.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The command line of {@code bench/run}. */
record BenchOptions(
        String url,
        String pageUrl,
        String contentUrl,
        String commentsUrl,
        String infinispan,
        String delayUrl,
        String dbPrefix,
        int portBase,
        int articles,
        int comments,
        long seed,
        int duration,
        int warmup,
        int settle,
        int warmPassSeconds,
        int connections,
        int threads,
        Set<String> scenarios,
        boolean fresh,
        boolean jfr,
        Path out,
        Map<String, String> gatewayProps,
        Map<String, String> serviceProps,
        Map<String, String> missProps,
        Map<String, String> delayProps,
        Map<String, String> delayGatewayProps,
        String editorToken) {

    /** Scenario ids in the order they run. */
    static final List<String> ALL = List.of("a", "e", "b", "c", "d");

    /**
     * Settings of every gateway the bench starts: no 103 Early Hints (wrk, like many HTTP/1.1 clients
     * and proxies such as Varnish 7.1, would take the 103 for the answer) and no access-log line per
     * request (the gateway's own advice for benchmarks).
     */
    static final Map<String, String> GATEWAY_PROPS = Map.of(
            "manchete.early-hints.enabled", "false",
            "manchete.access-log.enabled", "false");

    /** The gateway's page near cache: how many pages it keeps in its own memory. */
    static final String NEAR_CACHE_PAGES = "manchete.page-cache.near-cache.pages";
    /** The gateway's near cache of tag versions (four per page: shell, section, article, comments). */
    static final String NEAR_CACHE_TAGS = "manchete.page-cache.near-cache.tags";
    /** At most this many (about 150 MB of the demo's 12.5 KB pages: what the gateway's 384 MB heap holds). */
    static final int MAX_NEAR_CACHE_PAGES = 12_000;

    /**
     * The page near cache for a bench of {@code articles} articles: every page of the demo data (the
     * articles, the sections and the home page, with room to spare), as Varnish keeps them all in its
     * 512 MB of storage in (e); the product's default (5,000) is for a hot set, not for a whole site.
     * Within {@link #MAX_NEAR_CACHE_PAGES}; {@code --gateway-prop} sets another.
     */
    static int nearCachePages(int articles) {
        return Math.min(MAX_NEAR_CACHE_PAGES, Math.max(5_000, articles + 1_000));
    }

    /** Gateway settings for the page-cache-miss gateway of (b), also Varnish's backend in (e). */
    static final Map<String, String> MISS_PROPS = Map.of("manchete.page-cache.enabled", "false");
    /** Service settings for (d): each service answers 100 ms late (test-only key the services must honour). */
    static final Map<String, String> DELAY_PROPS = Map.of("manchete.test.delay", "100ms");
    /**
     * Gateway settings for (d): no page cache, and fragments fetched from the services on every request
     * (layouts stay cached), and budgets that allow for the added 100 ms.
     */
    static final Map<String, String> DELAY_GATEWAY_PROPS = Map.of(
            "manchete.page-cache.enabled", "false",
            "manchete.fragment-cache.enabled", "false",
            // every service is 100 ms slower than usual, so each budget is 100 ms longer than the default
            "manchete.services.page.timeout", "250ms",
            "manchete.services.content.timeout", "350ms",
            "manchete.services.comments.timeout", "250ms");

    boolean managed() {
        return url == null;
    }

    int gatewayPort() {
        return managed() ? portBase : URI.create(url).getPort();
    }

    int missGatewayPort() {
        return portBase + 4;
    }

    int varnishPort() {
        return portBase + 5;
    }

    int infinispanPort() {
        return managed() ? portBase + 6 : Integer.parseInt(infinispan.substring(infinispan.lastIndexOf(':') + 1));
    }

    /** Ports of the delayed page, content and comments services and their gateway in (d). */
    int delayPort(int i) {
        return portBase + 7 + i;
    }

    static BenchOptions parse(String[] args, Path root) {
        String url = null;
        String pageUrl = null;
        String contentUrl = null;
        String commentsUrl = null;
        String infinispan = "127.0.0.1:11222";
        String delayUrl = null;
        String dbPrefix = null;
        int portBase = 28080;
        int articles = 10_000;
        int comments = 200_000;
        long seed = 42;
        int duration = 30;
        int warmup = 10;
        int settle = 60;
        int warmPass = 180;
        int connections = 64;
        int threads = 2;
        Set<String> scenarios = new LinkedHashSet<>(ALL);
        boolean fresh = false;
        boolean jfr = false;
        Path out = root.resolve("bench/results");
        Map<String, String> gatewayProps = new LinkedHashMap<>(GATEWAY_PROPS);
        Set<String> told = new HashSet<>(); // gateway keys named by --gateway-prop
        Map<String, String> serviceProps = new LinkedHashMap<>();
        Map<String, String> missProps = new LinkedHashMap<>(MISS_PROPS);
        Map<String, String> delayProps = new LinkedHashMap<>(DELAY_PROPS);
        Map<String, String> delayGatewayProps = new LinkedHashMap<>(DELAY_GATEWAY_PROPS);
        String token = System.getenv().getOrDefault("MANCHETE_CONTENT_EDITOR_TOKEN", "dev-editor-token");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--url" -> url = stripSlash(value(args, ++i, flag));
                case "--page-url" -> pageUrl = stripSlash(value(args, ++i, flag));
                case "--content-url" -> contentUrl = stripSlash(value(args, ++i, flag));
                case "--comments-url" -> commentsUrl = stripSlash(value(args, ++i, flag));
                case "--infinispan" -> infinispan = value(args, ++i, flag);
                case "--delay-url" -> delayUrl = stripSlash(value(args, ++i, flag));
                case "--db-prefix" -> dbPrefix = value(args, ++i, flag);
                case "--port-base" -> portBase = positive(args, ++i, flag);
                case "--articles" -> articles = positive(args, ++i, flag);
                case "--comments" -> comments = Integer.parseInt(value(args, ++i, flag));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, flag));
                case "--duration" -> duration = positive(args, ++i, flag);
                case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, flag));
                case "--settle" -> settle = Integer.parseInt(value(args, ++i, flag));
                case "--warm-pass" -> warmPass = Integer.parseInt(value(args, ++i, flag));
                case "--connections" -> connections = positive(args, ++i, flag);
                case "--threads" -> threads = positive(args, ++i, flag);
                case "--scenarios" -> {
                    scenarios = new LinkedHashSet<>();
                    for (String s : value(args, ++i, flag).toLowerCase(Locale.ROOT).split(",")) {
                        if (!ALL.contains(s.trim())) {
                            throw new IllegalArgumentException("unknown scenario " + s + " (a, b, c, d, e)");
                        }
                        scenarios.add(s.trim());
                    }
                }
                case "--fresh" -> fresh = true;
                case "--no-tracing" -> {
                    gatewayProps.put("quarkus.otel.sdk.disabled", "true");
                    serviceProps.put("quarkus.otel.sdk.disabled", "true");
                }
                case "--jfr" -> jfr = true;
                case "--out" -> out = Path.of(value(args, ++i, flag)).toAbsolutePath();
                case "--gateway-prop" -> told.add(prop(gatewayProps, value(args, ++i, flag)));
                case "--service-prop" -> prop(serviceProps, value(args, ++i, flag));
                case "--miss-prop" -> prop(missProps, value(args, ++i, flag));
                case "--delay-prop" -> prop(delayProps, value(args, ++i, flag));
                case "--delay-gateway-prop" -> prop(delayGatewayProps, value(args, ++i, flag));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        // unless --gateway-prop set or removed them: the near caches sized to the demo data, and the
        // tags' versions four per page, as the product's defaults have it (5,000 and 20,000)
        if (!told.contains(NEAR_CACHE_PAGES)) {
            gatewayProps.put(NEAR_CACHE_PAGES, Integer.toString(nearCachePages(articles)));
        }
        String pages = gatewayProps.get(NEAR_CACHE_PAGES);
        if (!told.contains(NEAR_CACHE_TAGS) && pages != null && pages.matches("[0-9]{1,6}")) {
            gatewayProps.put(NEAR_CACHE_TAGS, Integer.toString(4 * Integer.parseInt(pages)));
        }
        if (settle < 0 || settle > 300) {
            throw new IllegalArgumentException("--settle is 0 to 300 s");
        }
        if (duration > 600) {
            throw new IllegalArgumentException("--duration is at most 600 s");
        }
        if (threads > connections) {
            throw new IllegalArgumentException("--threads must not exceed --connections");
        }
        if (url != null) {
            URI u = URI.create(url);
            if (!isLoopback(u.getHost())) {
                throw new IllegalArgumentException("--url must be a loopback address (127.0.0.1, localhost): " + url);
            }
            String base = u.getScheme() + "://" + u.getHost() + ":";
            int port = u.getPort() < 0 ? 80 : u.getPort();
            pageUrl = pageUrl != null ? pageUrl : base + (port + 1);
            contentUrl = contentUrl != null ? contentUrl : base + (port + 2);
            commentsUrl = commentsUrl != null ? commentsUrl : base + (port + 3);
            for (String other : List.of(pageUrl, contentUrl, commentsUrl)) {
                if (!isLoopback(URI.create(other).getHost())) {
                    throw new IllegalArgumentException("only loopback addresses: " + other);
                }
            }
            if (dbPrefix == null) {
                dbPrefix = "";
            }
        } else if (dbPrefix == null) {
            dbPrefix = "bench_a" + articles + "_c" + comments + "_s" + seed;
        }
        if (delayUrl != null && !isLoopback(URI.create(delayUrl).getHost())) {
            throw new IllegalArgumentException("only loopback addresses: " + delayUrl);
        }
        return new BenchOptions(url, pageUrl, contentUrl, commentsUrl, infinispan, delayUrl, dbPrefix, portBase,
                articles, comments, seed, duration, warmup, settle, warmPass, connections, threads, scenarios, fresh, jfr, out,
                gatewayProps, serviceProps, missProps, delayProps, delayGatewayProps, token);
    }

    static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String flag) {
        int n = Integer.parseInt(value(args, i, flag));
        if (n <= 0) {
            throw new IllegalArgumentException(flag + " must be positive");
        }
        return n;
    }

    /** Sets (or, with an empty value, removes) one {@code key=value}; returns the key. */
    private static String prop(Map<String, String> props, String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected key=value: " + keyValue);
        }
        String key = keyValue.substring(0, eq);
        String value = keyValue.substring(eq + 1);
        if (value.isEmpty()) {
            props.remove(key);
        } else {
            props.put(key, value);
        }
        return key;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static List<String> usage() {
        List<String> lines = new ArrayList<>();
        lines.add("usage: bench/run [options]");
        lines.add("  starts Manchete (its own databases and ports) unless --url is given, loads the demo data, warms up,");
        lines.add("  runs the scenarios with wrk and writes bench/results/<timestamp>/ and bench/results/latest.md");
        lines.add("");
        lines.add("  --scenarios a,b,c,d,e   which to run (all): a cached pages, b page-cache misses, c realistic mix,");
        lines.add("                          d fan-out with 100 ms services, e Varnish in front of the gateway");
        lines.add("  --duration S            seconds per scenario (30)         --warmup S      wrk warm-up before each (10)");
        lines.add("  --settle S              after the warm-up, more of it (5 s at a time, at most S s; 60, 0 = off) while");
        lines.add("                          the JVMs' JIT compilers still use over 0.1 core: measure the code, not its compilation");
        lines.add("  --connections N         wrk connections (64)              --threads N     wrk threads (2)");
        lines.add("  --warm-pass S           budget of the first pass over every page (180)");
        lines.add("  --articles N --comments N --seed N    demo data (10000, 200000, 42)");
        lines.add("  --port-base P           ports of a started suite (28080): gateway P, page P+1, content P+2,");
        lines.add("                          comments P+3, miss gateway P+4, varnish P+5, infinispan P+6, (d) P+7..P+10");
        lines.add("  --fresh                 drop the bench databases first (reload the demo data)");
        lines.add("  --no-tracing            quarkus.otel.sdk.disabled=true on every JVM the bench starts");
        lines.add("  --jfr                   record every JVM with Java Flight Recorder into the results folder");
        lines.add("  --url URL               use a running gateway (page cache on) instead of starting one;");
        lines.add("                          --page-url/--content-url/--comments-url (URL port +1/+2/+3), --infinispan H:P");
        lines.add("                          (127.0.0.1:11222), --db-prefix (none), --delay-url URL for (d)");
        lines.add("  --gateway-prop k=v      a setting of every gateway the bench starts (default: early hints and");
        lines.add("                          access log off); --service-prop k=v: of every service it starts");
        lines.add("  --miss-prop k=v, --delay-prop k=v, --delay-gateway-prop k=v   change the settings of (b)/(e)'s");
        lines.add("                          gateway, (d)'s services, (d)'s gateway (k= removes a key)");
        lines.add("  --out DIR               results folder (bench/results)");
        return lines;
    }
}
