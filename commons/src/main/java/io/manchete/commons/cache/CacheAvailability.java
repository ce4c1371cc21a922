package io.manchete.commons.cache;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.infinispan.client.hotrod.configuration.RemoteCacheConfiguration;
import org.infinispan.commons.configuration.StringConfiguration;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
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
 * <li>Meanwhile one background thread, off every request path, pings each cache every
 * {@code probeEvery}; once all answer, reads use Infinispan again.</li>
 * <li>A probe that finds a cache missing on the server — an Infinispan Server restarted empty: the
 * clients created their caches at start, the server does not keep them — creates it again from the
 * client's own configuration ({@code quarkus.infinispan-client.cache.<name>.configuration}). The
 * Hot Rod client re-registers its near-cache listeners by itself once the cache is there.</li>
 * </ul>
 */
public final class CacheAvailability implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CacheAvailability.class);
    private static final String PING_KEY = "ping:readiness";
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String owner;
    private final Supplier<? extends RemoteCacheContainer> client;
    private volatile RemoteCacheContainer container;
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
        boolean all = true;
        for (String name : caches) {
            all &= ping(name);
        }
        if (all) {
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

    /** One round trip to the cache; a cache the server does not know is created again. */
    private boolean ping(String name) {
        RemoteCacheContainer rcc = container();
        if (rcc == null) {
            return false;
        }
        try {
            RemoteCache<String, String> cache = rcc.getCache(name);
            if (cache == null) {
                return recreate(name);
            }
            cache.getAsync(PING_KEY).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | RuntimeException e) {
            if (cacheNotFound(e)) {
                return recreate(name);
            }
            LOG.debugf("Infinispan probe of %s for %s failed: %s", name, owner, describe(e));
            return false;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.debugf("Infinispan probe of %s for %s timed out", name, owner);
            return false;
        }
    }

    /** Creates the cache on the server from the client's configuration of it (blocking; on the probe thread). */
    private boolean recreate(String name) {
        try {
            RemoteCacheContainer rcm = container();
            if (rcm == null) {
                return false;
            }
            RemoteCacheConfiguration configured = rcm.getConfiguration().remoteCaches().get(name);
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
        prober.shutdownNow();
    }
}
