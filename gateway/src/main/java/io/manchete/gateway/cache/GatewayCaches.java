package io.manchete.gateway.cache;

import io.manchete.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.infinispan.client.Remote;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.infinispan.client.hotrod.configuration.RemoteCacheConfiguration;
import org.infinispan.commons.configuration.StringConfiguration;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's three Infinispan caches (Hot Rod, each near-cached in this process, see
 * {@code application.properties}) and what happens when Infinispan fails: every call on the request
 * path is bounded by {@code manchete.page-cache.timeout}; a failure is counted in
 * {@value #FAILURES}, logged (at most every 10 s) and — unless it is a lone timeout (three in a row
 * count) — makes the caches "unavailable" for
 * {@code manchete.page-cache.retry-after-failure}: requests then compose pages directly, as if there
 * were no cache, instead of waiting for Infinispan again.
 *
 * <p>The caches are obtained from the server (created there if missing) at start-up, on the main
 * thread: the Hot Rod {@code getCache} blocks, so it must not happen on an event loop at the first
 * request (Quarkus' own eager initialisation does not see parameterised {@code RemoteCache} beans).
 * If Infinispan is not there at start-up, the gateway serves without caches and tries again every
 * few seconds on a worker thread.
 *
 * <p>An Infinispan Server restarted empty does not know the caches any more (they are created by
 * the clients, from {@code quarkus.infinispan-client.cache.*.configuration}): a call answered with
 * "cache not found" (or any other failure: a freshly started server often times out first) makes the
 * gateway get-or-create its three caches again, on a worker thread, every 2 s at most; the Hot Rod
 * client then re-registers the near caches' listeners by itself.
 */
@ApplicationScoped
public class GatewayCaches {
    public static final String PAGES = "gateway-pages";
    public static final String FRAGMENTS = "gateway-fragments";
    public static final String TAGS = "gateway-tags";
    public static final String FAILURES = "manchete.cache.failures";

    private static final Logger LOG = Logger.getLogger(GatewayCaches.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The injected beans are client proxies; once obtained, the caches themselves are used (hot path). */
    private volatile RemoteCache<String, byte[]> pages;
    private volatile RemoteCache<String, byte[]> fragments;
    private volatile RemoteCache<String, String> tags;
    private final long timeoutMillis;
    private final long retryAfterNanos;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> failures = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    /** Timeouts in a row before the caches are taken out of use (any other failure: at once). */
    static final int TIMEOUTS_BEFORE_DOWN = 3;
    private final AtomicInteger timeoutsInARow = new AtomicInteger();
    private volatile boolean ready;
    private volatile boolean down;
    private volatile long downUntil;
    private final Vertx vertx;
    private final AtomicBoolean recreating = new AtomicBoolean();
    private final LastGoodPages lastGood;
    private volatile long nextRecreation = System.nanoTime();

    public GatewayCaches(@Remote(PAGES) RemoteCache<String, byte[]> pages,
                         @Remote(FRAGMENTS) RemoteCache<String, byte[]> fragments,
                         @Remote(TAGS) RemoteCache<String, String> tags,
                         GatewayConfig config, MeterRegistry registry, Vertx vertx) {
        this.pages = pages;
        this.fragments = fragments;
        this.tags = tags;
        this.timeoutMillis = Math.max(1, config.pageCache().timeout().toMillis());
        this.retryAfterNanos = config.pageCache().retryAfterFailure().toNanos();
        this.registry = registry;
        this.vertx = vertx;
        this.lastGood = new LastGoodPages(config.pageCache().nearCache().pages(),
                config.pageCache().staleRetention().toSeconds());
    }

    /** The last good copy of each page this process served, for when Infinispan is unavailable. */
    public LastGoodPages lastGood() {
        return lastGood;
    }

    public RemoteCache<String, byte[]> pages() {
        return pages;
    }

    public RemoteCache<String, byte[]> fragments() {
        return fragments;
    }

    public RemoteCache<String, String> tags() {
        return tags;
    }

    /** The tag cache, answering {@code putIfAbsent} with the value already there. */
    public RemoteCache<String, String> tagsReturningPrevious() {
        return tags.withFlags(Flag.FORCE_RETURN_VALUE);
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        if (!connect()) {
            long[] timer = new long[1];
            timer[0] = vertx.setPeriodic(5_000, id -> vertx.executeBlocking(() -> {
                if (!ready && connect()) {
                    vertx.cancelTimer(timer[0]);
                }
                return null;
            }, false));
        }
    }

    /** Obtains the three caches (blocking); true once they are there. */
    boolean connect() {
        try {
            pages.getName();
            fragments.getName();
            tags.getName();
            pages = ClientProxy.unwrap(pages);
            fragments = ClientProxy.unwrap(fragments);
            tags = ClientProxy.unwrap(tags);
            ready = true;
            LOG.debugf("Gateway caches ready: %s, %s, %s", PAGES, FRAGMENTS, TAGS);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("Infinispan caches not available (%s); the gateway composes pages without them until they are",
                    e.toString());
            return false;
        }
    }

    /** False before the caches were obtained and for a while after a failure: the caller composes without them. */
    public boolean available() {
        return ready && (!down || System.nanoTime() - downUntil >= 0);
    }

    /** The caches were obtained from the server (calls on them don't block). */
    public boolean ready() {
        return ready;
    }

    /** {@code future}, failing with a {@link java.util.concurrent.TimeoutException} past the budget. */
    public <T> CompletableFuture<T> bounded(CompletableFuture<T> future) {
        return future.isDone() ? future : future.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** Infinispan answered: the caches are available again. */
    public void succeeded() {
        if (timeoutsInARow.get() != 0) {
            timeoutsInARow.set(0);
        }
        if (down) {
            down = false;
            LOG.info("Infinispan answers again: the gateway caches are back in use");
        }
    }

    /** Counts and logs a failed call and takes the caches out of use for a short while. */
    public void failed(String cache, String operation, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        failures.computeIfAbsent(cache + '\u0000' + operation, k -> Counter.builder(FAILURES)
                .description("Failed or timed-out Infinispan calls of the gateway (it composes without cache then)")
                .tag("cache", cache).tag("operation", operation)
                .register(registry)).increment();
        // A lone slow answer (a busy server, a GC pause) is not an outage: only a failure that is not a
        // timeout (refused, reset, no such cache) or TIMEOUTS_BEFORE_DOWN timeouts in a row take the
        // caches out of use; otherwise one slow put would make every request compose for a second.
        if (cause instanceof java.util.concurrent.TimeoutException
                && timeoutsInARow.incrementAndGet() < TIMEOUTS_BEFORE_DOWN) {
            LOG.debugf("Infinispan %s on %s timed out (%d in a row)", operation, cache, timeoutsInARow.get());
            return;
        }
        downUntil = System.nanoTime() + retryAfterNanos;
        down = true;
        long now = System.nanoTime();
        long last = lastWarning.get();
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Infinispan %s on %s failed; composing pages without the caches for now: %s", operation, cache,
                    message);
        } else {
            LOG.debugf("Infinispan %s on %s failed: %s", operation, cache, message);
        }
        // the server may have restarted empty: its first answers are often timeouts (a cold JVM), not
        // "cache not found", so any failure may start a (cheap, idempotent) get-or-create, every 2 s at most
        recreateCaches();
    }

    /** Gets or creates the three caches on the server from the client's configuration (worker thread, every 2 s at most). */
    private void recreateCaches() {
        long now = System.nanoTime();
        if (now - nextRecreation < 0 || !recreating.compareAndSet(false, true)) {
            return;
        }
        nextRecreation = now + TimeUnit.SECONDS.toNanos(2);
        vertx.executeBlocking(() -> {
            RemoteCacheContainer rcm = pages.getRemoteCacheContainer();
            java.util.Set<String> existing = rcm.getCacheNames();
            List<String> created = new java.util.ArrayList<>();
            for (String name : List.of(PAGES, FRAGMENTS, TAGS)) {
                if (existing.contains(name)) {
                    continue;
                }
                RemoteCacheConfiguration configured = rcm.getConfiguration().remoteCaches().get(name);
                if (configured == null || configured.configuration() == null) {
                    LOG.warnf("Infinispan has no cache %s and the gateway has no configuration to create it from", name);
                    continue;
                }
                rcm.administration().getOrCreateCache(name, new StringConfiguration(configured.configuration()));
                created.add(name);
            }
            return created;
        }, false).onComplete(result -> {
            recreating.set(false);
            if (result.succeeded()) {
                if (!result.result().isEmpty()) {
                    LOG.warnf("Infinispan had lost gateway caches (a restarted server?): created %s again", result.result());
                }
            } else {
                LOG.debugf("Creating the gateway caches again failed: %s", result.cause().toString());
            }
        });
    }

    /** Empties all three caches (and this process' near caches and last good pages): for tests and operators. */
    public CompletableFuture<Void> clear() {
        lastGood.clear();
        return CompletableFuture.allOf(pages.clearAsync(), fragments.clearAsync(), tags.clearAsync());
    }
}
