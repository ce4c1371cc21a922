package io.manchete.commons.cache;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.client.hotrod.configuration.RemoteCacheConfiguration;
import org.infinispan.commons.configuration.StringConfiguration;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps a service's requests from waiting on an Infinispan that just failed, and brings its caches
 * back without a restart.
 *
 * <ul>
 * <li>After a failed call ({@link #failed}), {@link #readable()} is false: reads and fills skip
 * Infinispan (a miss; the database answers) instead of each waiting for its timeout. Writes that
 * must not leave a stale entry behind are still tried by the caller.</li>
 * <li>Meanwhile one background thread, off every request path, probes every {@code probeEvery}:
 * it asks the server for its cache names, creates each of this service's caches the server lacks
 * (an Infinispan Server restarted empty: the clients created their caches at start, the server does
 * not keep them) from the client's own configuration
 * ({@code quarkus.infinispan-client.cache.<name>.configuration}), then pings each cache, one at a
 * time; once all answer, reads use Infinispan again. The Hot Rod client re-registers its near-cache
 * listeners by itself once the cache is there.</li>
 * </ul>
 *
 * <p>Why not just ping the caches and create those answered "not found": the Hot Rod client (16.0)
 * stops decoding at each error answer, and the answers that arrived behind it in the same read wait
 * for the next bytes from the server. After several calls at a time to lost caches (writes, which are
 * still tried) the connection is backed up that way: each later answer comes one read late, a
 * ping's "not found" only after the next call — past the ping's timeout — and calls time out, are
 * sent again and close the connection when their second answer is an error (ISPN004077). A probe
 * that only pinged never saw "not found" in time: the caches stayed lost for as long as nothing else
 * was answered. So the names and the creations go over the probe's own Hot Rod connection (a second
 * client with the same configuration, made at the first probe), one call at a time and never
 * answered with an error; then each ping on the service's connection is asked again every
 * {@code min(timeout, 200 ms)} until one is answered: every further answer lets one backed-up answer
 * through, and the first that is no error clears the rest.</p>
 */
public final class CacheAvailability implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CacheAvailability.class);
    private static final String PING_KEY = "ping:readiness";
    /** Pings of one cache in one probe while none is answered. */
    private static final int PINGS = 10;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String owner;
    private final Supplier<? extends RemoteCacheContainer> client;
    private volatile RemoteCacheContainer container;
    /** The probe's own connection for cache names and creations (probe thread only), once made. */
    private volatile RemoteCacheManager admin;
    private volatile boolean closed;
    private final List<String> caches;
    private final long probeEveryMillis;
    private final long timeoutMillis;
    private final ScheduledExecutorService prober;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lastWarning = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - WARN_EVERY_NANOS);
    private volatile boolean down;

    /**
     * @param owner      names the service in log lines
     * @param client     the Hot Rod client the caches belong to (e.g. {@code cache.getRemoteCacheContainer()});
     *                   asked on the probe thread until it answers one, which is then kept
     * @param caches     the caches this service owns
     * @param probeEvery how often to ping while Infinispan is out of use
     * @param timeout    how long one ping may take
     */
    public CacheAvailability(String owner, Supplier<? extends RemoteCacheContainer> client, Collection<String> caches,
                             Duration probeEvery, Duration timeout) {
        this.owner = owner;
        this.client = client;
        this.caches = List.copyOf(caches);
        this.probeEveryMillis = Math.max(50, probeEvery.toMillis());
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, owner + "-cache-probe");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.prober = executor;
    }

    /** False from a failed call until a background probe got through to every cache again. */
    public boolean readable() {
        return !down;
    }

    /** A call on one of the caches failed (or timed out): skip reads, probe in the background. */
    public void failed(Throwable failure) {
        if (!down) {
            down = true;
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                LOG.warnf("Infinispan failed for %s (%s): reading from the database until it answers again", owner,
                        describe(failure));
            } else {
                LOG.debugf("Infinispan failed for %s (%s)", owner, describe(failure));
            }
        }
        startProbing();
    }

    private void startProbing() {
        if (probing.compareAndSet(false, true)) {
            try {
                prober.schedule(this::probe, probeEveryMillis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException shutDown) {
                probing.set(false);
            }
        }
    }

    private void probe() {
        if (reachAll()) {
            down = false;
            probing.set(false);
            LOG.infof("Infinispan answers again: %s reads its caches again", owner);
            if (down) { // failed again meanwhile
                startProbing();
            }
        } else {
            try {
                prober.schedule(this::probe, probeEveryMillis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException shutDown) {
                probing.set(false);
            }
        }
    }

    /** The Hot Rod client, once known (probe thread only: obtaining it may block). */
    private RemoteCacheContainer container() {
        RemoteCacheContainer known = container;
        if (known == null) {
            try {
                known = client.get();
            } catch (RuntimeException e) {
                LOG.debugf("No Hot Rod client for %s yet: %s", owner, describe(e));
                return null;
            }
            container = known;
        }
        return known;
    }

    /**
     * Creates the caches the server lacks, then pings each, one at a time (blocking; on the probe
     * thread). True when every cache answered.
     */
    private boolean reachAll() {
        RemoteCacheContainer rcc = container();
        if (rcc == null) {
            return false;
        }
        Set<String> existing;
        try {
            existing = admin(rcc).getCacheNames();
        } catch (RuntimeException e) {
            LOG.debugf("Infinispan probe for %s: no cache names (%s)", owner, describe(e));
            return false;
        }
        for (String name : caches) {
            if (!existing.contains(name) && !recreate(name)) {
                return false;
            }
        }
        for (String name : caches) {
            if (!pingUntilAnswered(rcc, name)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pings the cache, and pings it again every {@code min(timeout, 200 ms)} while no ping has been
     * answered, {@value #PINGS} times at most. A cache the server does not know (lost since the
     * names) is created again.
     */
    private boolean pingUntilAnswered(RemoteCacheContainer rcc, String name) {
        long stepMillis = Math.max(50, Math.min(timeoutMillis, 200));
        List<CompletableFuture<String>> pings = new ArrayList<>();
        try {
            RemoteCache<String, String> cache = rcc.getCache(name);
            if (cache == null) {
                return recreate(name);
            }
            for (int attempt = 0; attempt < PINGS; attempt++) {
                pings.add(cache.getAsync(PING_KEY));
                try {
                    CompletableFuture.anyOf(pings.toArray(CompletableFuture[]::new)).get(stepMillis, TimeUnit.MILLISECONDS);
                    return true;
                } catch (java.util.concurrent.TimeoutException noAnswerYet) {
                    // ask again: the next answer lets a backed-up one through
                }
            }
            LOG.debugf("Infinispan probe of %s for %s: none of %d pings answered", name, owner, PINGS);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | RuntimeException e) {
            if (cacheNotFound(e)) {
                return recreate(name);
            }
            LOG.debugf("Infinispan probe of %s for %s failed: %s", name, owner, describe(e));
            return false;
        }
    }

    /**
     * The probe's own Hot Rod client, made from the service's client's configuration at the first
     * probe (blocking; probe thread only); the service's client itself if that cannot be done.
     */
    private RemoteCacheContainer admin(RemoteCacheContainer rcc) {
        RemoteCacheManager known = admin;
        if (known != null) {
            return known;
        }
        try {
            ConfigurationBuilder builder = new ConfigurationBuilder().read(rcc.getConfiguration());
            builder.statistics().disable().jmxDisable();
            known = new RemoteCacheManager(builder.build());
        } catch (RuntimeException e) {
            LOG.debugf("No probe connection of its own for %s (%s): using the service's", owner, describe(e));
            return rcc;
        }
        admin = known;
        if (closed) {
            known.stop();
        }
        return known;
    }

    /** Creates the cache on the server from the client's configuration of it (blocking; on the probe thread). */
    private boolean recreate(String name) {
        try {
            RemoteCacheContainer client = container();
            if (client == null) {
                return false;
            }
            RemoteCacheConfiguration configured = client.getConfiguration().remoteCaches().get(name);
            RemoteCacheContainer rcm = admin(client);
            if (configured != null && configured.configuration() != null) {
                rcm.administration().getOrCreateCache(name, new StringConfiguration(configured.configuration()));
            } else if (configured != null && configured.templateName() != null) {
                rcm.administration().getOrCreateCache(name, configured.templateName());
            } else {
                LOG.warnf("Infinispan has no cache %s and %s has no configuration to create it from", name, owner);
                return false;
            }
            LOG.warnf("Infinispan had lost cache %s (a restarted server?): created it again for %s", name, owner);
            return true;
        } catch (RuntimeException e) {
            LOG.debugf("Creating Infinispan cache %s for %s failed: %s", name, owner, describe(e));
            return false;
        }
    }

    /** Whether the server answered that it has no such cache (Hot Rod reports it as a server error). */
    public static boolean cacheNotFound(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            String message = t.getMessage();
            if (message != null && message.contains("CacheNotFoundException")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        return cause.getClass().getSimpleName() + ": " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
    }

    @Override
    public void close() {
        closed = true;
        prober.shutdownNow();
        RemoteCacheManager own = admin;
        if (own != null) {
            own.stop();
        }
    }
}
