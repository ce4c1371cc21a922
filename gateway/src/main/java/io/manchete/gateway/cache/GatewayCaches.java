package io.manchete.gateway.cache;

import io.manchete.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.infinispan.client.Remote;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.Configuration;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.client.hotrod.configuration.NearCacheMode;
import org.infinispan.client.hotrod.configuration.RemoteCacheConfiguration;
import org.infinispan.commons.configuration.Combine;
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
 * count) — takes the caches out of use: requests then compose pages directly, as if there were no
 * cache, instead of waiting for Infinispan again. Meanwhile one background probe, off every request
 * path, pings the three caches every {@code manchete.page-cache.retry-after-failure}; once all three
 * answer, requests use them again (the services do the same, commons {@code CacheAvailability}).
 *
 * <p>The caches are obtained from the server (created there if missing) at start-up, on the main
 * thread: the Hot Rod {@code getCache} blocks, so it must not happen on an event loop at the first
 * request (Quarkus' own eager initialisation does not see parameterised {@code RemoteCache} beans).
 * If Infinispan is not there at start-up, the gateway serves without caches and tries again every
 * few seconds on a worker thread.
 *
 * <p>An Infinispan Server restarted empty does not know the caches any more (they are created by
 * the clients, from {@code quarkus.infinispan-client.cache.*.configuration}): the probe creates the
 * ones the server lacks again (see {@link #probe()}); the Hot Rod client then re-registers the near
 * caches' listeners by itself. Requests do not touch the caches until then: several calls at a time
 * to a lost cache back up the one Hot Rod connection (the client stops decoding at each error answer,
 * the answers behind it wait for the next read), calls time out, are sent again and the client closes
 * the connection when their second answer is an error (ISPN004077 "error in unknown operation"),
 * failing every other call on it — the cache creation included. Under request traffic that kept the
 * page cache out of use for 10 s to minutes after an empty restart.
 */
@Singleton
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
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> failures = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    /** Timeouts in a row before the caches are taken out of use (any other failure: at once). */
    static final int TIMEOUTS_BEFORE_DOWN = 3;
    /** A probe pings a cache again this often while no ping is answered, {@value #PINGS} times at most. */
    static final long PING_STEP_MILLIS = 200;
    static final int PINGS = 10;
    private static final String PING_KEY = "ping:readiness";
    private final AtomicInteger timeoutsInARow = new AtomicInteger();
    private volatile boolean ready;
    /** From a failure until the probe got through to all three caches: requests compose without them. */
    private volatile boolean down;
    private final Vertx vertx;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final long probeEveryMillis;
    /** The probe's own connection for cache names and creations, once made. */
    private volatile RemoteCacheManager admin;
    private volatile boolean stopped;
    private final LastGoodPages lastGood;

    public GatewayCaches(@Remote(PAGES) RemoteCache<String, byte[]> pages,
                         @Remote(FRAGMENTS) RemoteCache<String, byte[]> fragments,
                         @Remote(TAGS) RemoteCache<String, String> tags,
                         GatewayConfig config, MeterRegistry registry, Vertx vertx) {
        this.pages = pages;
        this.fragments = fragments;
        this.tags = tags;
        this.timeoutMillis = Math.max(1, config.pageCache().timeout().toMillis());
        this.probeEveryMillis = Math.max(50, config.pageCache().retryAfterFailure().toMillis());
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
            fragments.getName();
            RemoteCacheContainer container = ClientProxy.unwrap(fragments).getRemoteCacheContainer();
            RemoteCache<String, byte[]> countedPages = counted(container, PAGES, NearCacheChanges.PAGES);
            if (countedPages == null) {
                pages.getName();
            }
            RemoteCache<String, String> countedTags = counted(container, TAGS, NearCacheChanges.TAGS);
            if (countedTags == null) {
                tags.getName();
            }
            pages = countedPages != null ? countedPages : ClientProxy.unwrap(pages);
            fragments = ClientProxy.unwrap(fragments);
            tags = countedTags != null ? countedTags : ClientProxy.unwrap(tags);
            ready = true;
            LOG.debugf("Gateway caches ready: %s, %s, %s", PAGES, FRAGMENTS, TAGS);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("Infinispan caches not available (%s); the gateway composes pages without them until they are",
                    e.toString());
            return false;
        }
    }

    /**
     * The cache {@code name} with its near cache made through {@code changes} (Hot Rod's own near
     * cache, counted) and watched by it; {@code null} when that cannot be done (then its reads just
     * go to the near cache). Quarkus' settings cannot name a near-cache factory instance, and one
     * named in {@code hotrod-client.properties} is loaded by Hot Rod's class loader, which in tests is
     * not the application's; and Quarkus may have obtained the cache already, so it is stopped and
     * obtained again with the factory.
     */
    @SuppressWarnings("unchecked")
    private static <V> RemoteCache<String, V> counted(RemoteCacheContainer rcm, String name, NearCacheChanges changes) {
        if (!(rcm instanceof RemoteCacheManager manager)) {
            return null;
        }
        Configuration configuration = manager.getConfiguration();
        RemoteCacheConfiguration configured = configuration.remoteCaches().get(name);
        if (configured == null || configured.nearCacheMode() == NearCacheMode.DISABLED) {
            return null;
        }
        if (configured.nearCacheFactory() != changes) {
            configuration.removeRemoteCache(name);
            configuration.addRemoteCache(name, builder -> {
                builder.read(configured, Combine.DEFAULT);
                builder.nearCacheFactory(changes);
            });
            manager.stopCache(name);
        }
        RemoteCache<String, V> cache = (RemoteCache<String, V>) (RemoteCache<?, ?>) manager.getCache(name);
        changes.watch(cache);
        return cache;
    }

    /** False before the caches were obtained and from a failure until the probe got through: the caller composes without them. */
    public boolean available() {
        return ready && !down;
    }

    /** The caches were obtained from the server (calls on them don't block). */
    public boolean ready() {
        return ready;
    }

    /**
     * {@code future}, failing with a {@link java.util.concurrent.TimeoutException} past the budget.
     * The timeout completes a copy: completing the Hot Rod operation's own future makes the client
     * close its connection when the server's answer to it is an error (ISPN004077).
     */
    public <T> CompletableFuture<T> bounded(CompletableFuture<T> future) {
        return future.isDone() ? future : future.copy().orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** Infinispan answered a call on the request path. */
    public void succeeded() {
        if (timeoutsInARow.get() != 0) {
            timeoutsInARow.set(0);
        }
    }

    /** Counts and logs a failed call and takes the caches out of use until the probe gets through. */
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
        boolean wasDown = down;
        down = true;
        long now = System.nanoTime();
        long last = lastWarning.get();
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (!wasDown && now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Infinispan %s on %s failed; composing pages without the caches until they answer again: %s",
                    operation, cache, message);
        } else {
            LOG.debugf("Infinispan %s on %s failed: %s", operation, cache, message);
        }
        startProbing();
    }

    private void startProbing() {
        if (!stopped && probing.compareAndSet(false, true)) {
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        try {
            vertx.setTimer(probeEveryMillis, id -> vertx.executeBlocking(this::probe, false).onComplete(result -> {
                if (result.succeeded() && result.result()) {
                    down = false;
                    probing.set(false);
                    timeoutsInARow.set(0);
                    LOG.info("Infinispan answers again: the gateway caches are back in use");
                } else if (stopped) {
                    probing.set(false);
                } else {
                    if (result.failed()) {
                        LOG.debugf("Infinispan probe failed: %s", result.cause().toString());
                    }
                    scheduleProbe();
                }
            }));
        } catch (RuntimeException closing) {
            probing.set(false);
        }
    }

    /**
     * Creates the caches the server lacks (an empty restarted server), then pings each, one at a time
     * (worker thread). True when all three answered. The cache names and the creations go over the
     * probe's own Hot Rod connection, one call at a time and never answered with an error: the
     * gateway's connection may still be backed up by the error answers to calls of lost caches, each
     * answer decoded only when the next one arrives (Hot Rod client 16.0). So each ping is asked again
     * every 200 ms while none is answered: every further answer lets one backed-up answer through, and
     * the first that is no error clears the rest.
     */
    private boolean probe() {
        if (!ready) {
            return false;
        }
        RemoteCacheContainer rcm = pages.getRemoteCacheContainer();
        RemoteCacheContainer own = admin(rcm);
        java.util.Set<String> existing;
        try {
            existing = own.getCacheNames();
        } catch (RuntimeException e) {
            LOG.debugf("Infinispan probe: no cache names (%s)", e.toString());
            return false;
        }
        for (String name : List.of(PAGES, FRAGMENTS, TAGS)) {
            if (!existing.contains(name) && !create(rcm, own, name)) {
                return false;
            }
        }
        for (RemoteCache<String, ?> cache : List.<RemoteCache<String, ?>>of(pages, fragments, tags)) {
            if (!pingUntilAnswered(cache)) {
                return false;
            }
        }
        return true;
    }

    private boolean pingUntilAnswered(RemoteCache<String, ?> cache) {
        List<CompletableFuture<?>> pings = new java.util.ArrayList<>();
        try {
            for (int attempt = 0; attempt < PINGS; attempt++) {
                pings.add(cache.getAsync(PING_KEY));
                try {
                    CompletableFuture.anyOf(pings.toArray(CompletableFuture[]::new)).get(PING_STEP_MILLIS, TimeUnit.MILLISECONDS);
                    return true;
                } catch (java.util.concurrent.TimeoutException noAnswerYet) {
                    // ask again: the next answer lets a backed-up one through
                }
            }
            LOG.debugf("Infinispan probe of %s: none of %d pings answered", cache.getName(), PINGS);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            LOG.debugf("Infinispan probe of %s failed: %s", cache.getName(), e.toString());
            return false;
        }
    }

    private boolean create(RemoteCacheContainer rcm, RemoteCacheContainer own, String name) {
        RemoteCacheConfiguration configured = rcm.getConfiguration().remoteCaches().get(name);
        if (configured == null || configured.configuration() == null) {
            LOG.warnf("Infinispan has no cache %s and the gateway has no configuration to create it from", name);
            return false;
        }
        try {
            own.administration().getOrCreateCache(name, new StringConfiguration(configured.configuration()));
        } catch (RuntimeException e) {
            LOG.debugf("Creating Infinispan cache %s again failed: %s", name, e.toString());
            return false;
        }
        LOG.warnf("Infinispan had lost gateway cache %s (a restarted server?): created it again", name);
        return true;
    }

    /**
     * The probe's own Hot Rod client, made from the gateway's client's configuration at the first
     * probe (blocking; worker thread); the gateway's client itself if that cannot be done.
     */
    private RemoteCacheContainer admin(RemoteCacheContainer rcm) {
        RemoteCacheManager known = admin;
        if (known != null) {
            return known;
        }
        try {
            ConfigurationBuilder builder = new ConfigurationBuilder().read(rcm.getConfiguration());
            builder.statistics().disable().jmxDisable();
            known = new RemoteCacheManager(builder.build());
        } catch (RuntimeException e) {
            LOG.debugf("No probe connection of its own (%s): using the gateway's", e.toString());
            return rcm;
        }
        admin = known;
        if (stopped) {
            known.stop();
        }
        return known;
    }

    @PreDestroy
    void stop() {
        stopped = true;
        RemoteCacheManager own = admin;
        if (own != null) {
            own.stop();
        }
    }

    /** Empties all three caches (and this process' near caches and last good pages): for tests and operators. */
    public CompletableFuture<Void> clear() {
        lastGood.clear();
        return CompletableFuture.allOf(pages.clearAsync(), fragments.clearAsync(), tags.clearAsync());
    }
}
