package io.manchete.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, bounded, closed-loop load on loopback for the chaos tests: {@code users} virtual users on
 * the JDK {@link HttpClient}, each sending one GET, reading the answer, pausing {@code think}, and so
 * on, until stopped, past {@code maxDuration} or after {@code maxRequests} in all. Paths come from
 * group A (pages warmed before) and, while {@link #useB} has set some, one request in four from
 * group B. Every answer is recorded as a {@link Sample} (status, whole or degraded, Cache-Status,
 * headers that matter, time); the bodies are not kept.
 *
 * <p>Requests go to the gateway replicas through a {@link Balancer}, which can act as a load
 * balancer does in production: poll each replica's {@code /q/health/ready} and send only to the
 * ready ones.
 */
final class LoadGenerator implements AutoCloseable {
    /** Marks a fragment the gateway could not get (see PageAssembler.placeholder). */
    static final String PLACEHOLDER = "fragment-unavailable";
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

    enum Group { A, B }

    /** One answer. {@code status} is -1 for an I/O failure, -2 when no replica was ready. */
    record Sample(Group group, String replica, String path, long startNanos, long nanos, int status,
                  String placeholderSlots, String cacheStatus, String retryAfter, String contentType,
                  String cacheControl, String surrogateControl, String serverTiming, boolean errorPage, boolean stackTrace,
                  String error) {

        /** The page came with at least one fragment the gateway could not get. */
        boolean placeholder() {
            return placeholderSlots != null;
        }

        boolean failed() {
            return status < 200 || status >= 300;
        }

        boolean staleIfError() {
            return cacheStatus != null && cacheStatus.contains("stale-if-error");
        }

        boolean degraded() {
            return !failed() && (placeholder() || staleIfError());
        }

        boolean html() {
            return contentType != null && contentType.startsWith("text/html");
        }

        /** The largest {@code max-age} this answer lets a shared cache keep it (Surrogate-Control, else Cache-Control). */
        int sharedMaxAge() {
            int max = -1;
            for (String header : new String[] {cacheControl, surrogateControl}) {
                if (header != null) {
                    Matcher m = MAX_AGE.matcher(header);
                    while (m.find()) {
                        max = Math.max(max, Integer.parseInt(m.group(1)));
                    }
                }
            }
            return max;
        }

        /** hit, stale, stale-if-error, miss, collapsed, bypass, request, none (no Cache-Status), other. */
        String cacheKind() {
            if (cacheStatus == null || cacheStatus.isEmpty()) {
                return "none";
            }
            if (cacheStatus.contains("stale-if-error")) {
                return "stale-if-error";
            }
            if (cacheStatus.contains("fwd=bypass")) {
                return "bypass";
            }
            if (cacheStatus.contains("fwd=stale")) {
                return "stale";
            }
            if (cacheStatus.contains("collapsed")) {
                return "collapsed";
            }
            if (cacheStatus.contains("fwd=miss")) {
                return "miss";
            }
            if (cacheStatus.contains("fwd=request")) {
                return "request";
            }
            if (cacheStatus.contains("; hit")) {
                return "hit";
            }
            return "other";
        }

        @Override
        public String toString() {
            return group + " " + replica + path + " -> " + (status > 0 ? Integer.toString(status) : error)
                    + (placeholder() ? " (placeholder: " + placeholderSlots + ")" : "") + " [" + cacheStatus + "] " + nanos / 1_000_000 + " ms"
                    + (serverTiming == null || cacheStatus == null || cacheStatus.contains("; hit") ? "" : " " + serverTiming);
        }
    }

    /** Figures over a set of samples. */
    record Stats(int requests, int failures, int placeholders, int staleIfError, long maxMillis, long p99Millis,
                 Map<String, Integer> statuses, Map<String, Integer> cacheKinds) {

        static Stats of(Collection<Sample> samples) {
            int failures = 0;
            int placeholders = 0;
            int stale = 0;
            long[] millis = new long[samples.size()];
            int i = 0;
            Map<String, Integer> statuses = new TreeMap<>();
            Map<String, Integer> kinds = new TreeMap<>();
            for (Sample s : samples) {
                if (s.failed()) {
                    failures++;
                }
                if (!s.failed() && s.placeholder()) {
                    placeholders++;
                }
                if (!s.failed() && s.staleIfError()) {
                    stale++;
                }
                millis[i++] = s.nanos() / 1_000_000;
                statuses.merge(s.status() > 0 ? Integer.toString(s.status()) : s.error(), 1, Integer::sum);
                kinds.merge(s.cacheKind(), 1, Integer::sum);
            }
            java.util.Arrays.sort(millis);
            long max = millis.length == 0 ? 0 : millis[millis.length - 1];
            long p99 = millis.length == 0 ? 0 : millis[Math.min(millis.length - 1, (int) Math.ceil(millis.length * 0.99) - 1)];
            return new Stats(samples.size(), failures, placeholders, stale, max, p99, statuses, kinds);
        }

        int degraded() {
            return placeholders + staleIfError;
        }
    }

    /**
     * Where requests go: fixed replicas, or (probing) only the ready ones, round robin. Probing reads
     * readiness as a Kubernetes Service does: a replica that answers its {@code /q/health/ready} with
     * anything but 200, or refuses the connection, is out at once; one whose probe merely times out
     * (a busy JVM on a shared CPU) is out after {@value #TIMEOUTS_TO_FAIL} timeouts in a row; one
     * answer 200 puts it back.
     */
    static final class Balancer implements AutoCloseable {
        private final List<String> replicas = new CopyOnWriteArrayList<>();
        static final int TIMEOUTS_TO_FAIL = 3;
        private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
        private final Map<String, Integer> timeouts = new ConcurrentHashMap<>();
        private final List<String> events = new CopyOnWriteArrayList<>();
        private final AtomicInteger next = new AtomicInteger();
        private final HttpClient client;
        private final long origin = System.nanoTime();
        private ScheduledExecutorService poller;

        private Balancer(HttpClient client, List<String> replicas) {
            this.client = client;
            this.replicas.addAll(replicas);
            replicas.forEach(r -> ready.put(r, true));
        }

        /** Always sends to these replicas. */
        static Balancer fixed(HttpClient client, String... replicas) {
            return new Balancer(client, List.of(replicas));
        }

        /** Polls each replica's readiness every {@code every} and sends only to the ready ones. */
        static Balancer probing(HttpClient client, Duration every, String... replicas) {
            Balancer balancer = new Balancer(client, List.of(replicas));
            balancer.poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "balancer-probe");
                t.setDaemon(true);
                return t;
            });
            balancer.poller.scheduleWithFixedDelay(balancer::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
            return balancer;
        }

        private void probe() {
            for (String replica : replicas) {
                boolean up;
                try {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(replica + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    up = r.statusCode() == 200;
                    timeouts.remove(replica);
                } catch (java.net.http.HttpTimeoutException e) {
                    int inARow = timeouts.merge(replica, 1, Integer::sum);
                    up = inARow < TIMEOUTS_TO_FAIL && Boolean.TRUE.equals(ready.get(replica));
                } catch (IOException e) {
                    up = false;
                    timeouts.remove(replica);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                Boolean before = ready.put(replica, up);
                if (before == null || before != up) {
                    events.add(String.format(Locale.ROOT, "%6.1fs %s %s", (System.nanoTime() - origin) / 1e9, replica,
                            up ? "ready" : "NOT ready"));
                }
            }
        }

        /** A ready replica, or null when none is. */
        String pick() {
            int n = replicas.size();
            int start = next.getAndIncrement();
            for (int i = 0; i < n; i++) {
                String replica = replicas.get(Math.floorMod(start + i, n));
                if (Boolean.TRUE.equals(ready.get(replica))) {
                    return replica;
                }
            }
            return null;
        }

        boolean ready(String replica) {
            return Boolean.TRUE.equals(ready.get(replica));
        }

        /** Readiness changes seen, e.g. {@code "  12.3s http://127.0.0.1:1234 NOT ready"}. */
        List<String> events() {
            return List.copyOf(events);
        }

        @Override
        public void close() {
            if (poller != null) {
                poller.shutdownNow();
            }
        }
    }

    private final HttpClient client;
    private final Balancer balancer;
    private final List<String> a;
    private final int users;
    private final Duration think;
    private final int maxRequests;
    private final long deadline;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile List<String> b = List.of();
    private volatile boolean running = true;

    LoadGenerator(HttpClient client, Balancer balancer, List<String> a, int users, Duration think, int maxRequests,
                  Duration maxDuration) {
        this.client = client;
        this.balancer = balancer;
        this.a = List.copyOf(a);
        this.users = users;
        this.think = think;
        this.maxRequests = maxRequests;
        this.deadline = System.nanoTime() + maxDuration.toNanos();
    }

    LoadGenerator start() {
        for (int i = 0; i < users; i++) {
            Thread t = new Thread(this::run, "vu-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** From now on one request in four goes to these paths (none: only group A). */
    void useB(List<String> paths) {
        b = List.copyOf(paths);
    }

    private void run() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running && System.nanoTime() - deadline < 0 && sent.incrementAndGet() <= maxRequests) {
            List<String> bNow = b;
            boolean useB = !bNow.isEmpty() && random.nextInt(4) == 0;
            Group group = useB ? Group.B : Group.A;
            String path = useB ? bNow.get(random.nextInt(bNow.size())) : a.get(random.nextInt(a.size()));
            samples.add(send(group, path));
            if (!think.isZero()) {
                try {
                    Thread.sleep(think.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private Sample send(Group group, String path) {
        String replica = balancer.pick();
        long start = System.nanoTime();
        if (replica == null) {
            return new Sample(group, "-", path, start, 0, -2, null, null, null, null, null, null, null, false, false,
                    "no-ready-replica");
        }
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(replica + path))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "text/html").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - start;
            String body = r.body();
            boolean ok = r.statusCode() >= 200 && r.statusCode() < 300;
            return new Sample(group, replica, path, start, nanos, r.statusCode(), ok ? placeholderSlots(body) : null,
                    r.headers().firstValue("Cache-Status").orElse(null),
                    r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue("Content-Type").orElse(null),
                    r.headers().firstValue("Cache-Control").orElse(null),
                    r.headers().firstValue("Surrogate-Control").orElse(null),
                    r.headers().firstValue("Server-Timing").orElse(null),
                    body.contains("class=\"error-page\""), !ok && stackTrace(body), null);
        } catch (IOException e) {
            return new Sample(group, replica, path, start, System.nanoTime() - start, -1, null, null, null, null, null,
                    null, null, false, false, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sample(group, replica, path, start, System.nanoTime() - start, -1, null, null, null, null, null,
                    null, null, false, false, "interrupted");
        }
    }

    private static final Pattern SLOT = Pattern.compile(PLACEHOLDER + "\" data-slot=\"([^\"]*)\"");

    /** The slots of the fragments shown as placeholders ("comments", "navigation, comments"), or null if none. */
    static String placeholderSlots(String body) {
        if (!body.contains(PLACEHOLDER)) {
            return null;
        }
        StringJoiner slots = new StringJoiner(", ");
        Matcher m = SLOT.matcher(body);
        while (m.find()) {
            slots.add(m.group(1));
        }
        return slots.length() == 0 ? "?" : slots.toString();
    }

    static boolean stackTrace(String body) {
        return body.contains("Exception") || body.contains("\tat ") || body.contains("at io.") || body.contains("at java.");
    }

    /** The samples so far. */
    List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    /** Stops the users (each finishes its request in flight) and answers every sample. */
    List<Sample> stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return samples();
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
