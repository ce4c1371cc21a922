package io.manchete.comments.cache;

import io.manchete.commons.cache.CacheAvailability;
import io.manchete.commons.telemetry.CacheSpans;
import io.manchete.comments.config.CommentsConfig;
import io.manchete.commons.reactive.OnContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.infinispan.client.runtime.InfinispanClientProducer;
import io.quarkus.infinispan.client.runtime.InfinispanClientUtil;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheContainer;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The service's three Infinispan caches, each keyed by article slug: {@value #FRAGMENTS} (the
 * rendered first page of an article's comments), {@value #COUNTS} (the visible count) and
 * {@value #PAGES} (the same first page and count as data, JSON, so a post can be merged in without
 * reading the database; only this service reads it).
 *
 * <p>A refresh after a write reads all three with their versions ({@link #entries}) and writes each
 * only if it is unchanged since ({@link #write}): a writer that lost a race to another replica (or to
 * a fill) learns it and refreshes again, so no writer overwrites another's newer entries.
 *
 * <p>The cache is an optimisation, never a dependency: the service starts without Infinispan (see
 * {@link LazyRemoteCache}), every call is bounded by {@code manchete.comments.cache.timeout}, a
 * failure reads as a miss (or a skipped write), and results come back on the caller's Vert.x
 * context so Hibernate Reactive can follow. Reads are counted in
 * {@code manchete.cache.requests{service=comments, cache, result=hit|miss}}; every call is a client
 * span of the request's trace ({@link CacheSpans}).
 *
 * <p>After a failed call reads and fills skip Infinispan at once until a background probe gets
 * through to every cache again (writes after a database write are still tried); a cache the server
 * lost (restarted empty) is created again by that probe ({@link CacheAvailability}).
 */
@ApplicationScoped
public class CommentsCache {
    public static final String FRAGMENTS = "comments-fragments";
    public static final String COUNTS = "comments-counts";
    public static final String PAGES = "comments-pages";
    private static final Logger LOG = Logger.getLogger(CommentsCache.class);

    private final LazyRemoteCache fragments;
    private final LazyRemoteCache counts;
    private final LazyRemoteCache pages;
    private final CommentsConfig config;
    private final Counter fragmentHits;
    private final Counter fragmentMisses;
    private final Counter countHits;
    private final Counter countMisses;
    private final CacheSpans spans;
    private final CacheAvailability availability;

    /**
     * {@code clients}: the extension's producer, asked for its default Hot Rod client (as content-service
     * does): an {@code Instance<RemoteCacheManager>} would hand out a client proxy whose construction
     * starts a second, default-configured client.
     */
    public CommentsCache(InfinispanClientProducer clients, CommentsConfig config, MeterRegistry registry, CacheSpans spans) {
        Duration retry = config.cache().retryAfter();
        this.fragments = new LazyRemoteCache(FRAGMENTS, () -> client(clients).getCache(FRAGMENTS), Infrastructure.getDefaultWorkerPool(), retry);
        this.counts = new LazyRemoteCache(COUNTS, () -> client(clients).getCache(COUNTS), Infrastructure.getDefaultWorkerPool(), retry);
        this.pages = new LazyRemoteCache(PAGES, () -> client(clients).getCache(PAGES), Infrastructure.getDefaultWorkerPool(), retry);
        this.config = config;
        this.fragmentHits = requests(registry, FRAGMENTS, "hit");
        this.fragmentMisses = requests(registry, FRAGMENTS, "miss");
        this.countHits = requests(registry, COUNTS, "hit");
        this.countMisses = requests(registry, COUNTS, "miss");
        this.spans = spans;
        this.availability = new CacheAvailability("comments-service", this::client, List.of(FRAGMENTS, COUNTS, PAGES),
                config.cache().probeEvery(), config.cache().timeout());
    }

    @PreDestroy
    void stop() {
        availability.close();
    }

    /**
     * The Hot Rod client of the obtained caches, for the availability probe (on its own thread); null
     * until a cache is obtained, which this starts in the background (reads skip the cache meanwhile).
     */
    private static RemoteCacheManager client(InfinispanClientProducer clients) {
        return clients.getNamedRemoteCacheManager(InfinispanClientUtil.DEFAULT_INFINISPAN_CLIENT_NAME);
    }

    private RemoteCacheContainer client() {
        fragments.obtainAsync();
        counts.obtainAsync();
        pages.obtainAsync();
        RemoteCache<String, String> obtained = fragments.current();
        return obtained == null ? null : obtained.getRemoteCacheContainer();
    }

    /** Connects in the background at boot, so the first requests find the caches ready. */
    void warmUp(@Observes StartupEvent ignored) {
        fragments.obtainAsync();
        counts.obtainAsync();
        pages.obtainAsync();
    }

    private static Counter requests(MeterRegistry registry, String cache, String result) {
        return Counter.builder("manchete.cache.requests")
                .description("Cache lookups by cache and result")
                .tag("service", "comments")
                .tag("cache", cache)
                .tag("result", result)
                .register(registry);
    }

    /** The rendered first page of an article's comments, or null (miss or cache unavailable). */
    public Uni<String> fragment(String slug) {
        return read(fragments, c -> c.getAsync(slug))
                .invoke(v -> (v == null ? fragmentMisses : fragmentHits).increment());
    }

    /** The visible count of an article, or null (miss or cache unavailable). */
    public Uni<Long> count(String slug) {
        return read(counts, c -> c.getAsync(slug))
                .map(CommentsCache::parseCount)
                .invoke(v -> (v == null ? countMisses : countHits).increment());
    }

    /** Fills after a read from the database; never overwrites a value a writer put meanwhile. */
    public Uni<Void> fillFragment(String slug, String html) {
        return call("putIfAbsent", fragments, c -> c.putIfAbsentAsync(slug, html, lifespan(true), TimeUnit.MILLISECONDS))
                .replaceWithVoid();
    }

    public Uni<Void> fillCount(String slug, long count) {
        return call("putIfAbsent", counts, c -> c.putIfAbsentAsync(slug, Long.toString(count), lifespan(false), TimeUnit.MILLISECONDS))
                .replaceWithVoid();
    }

    /** Fills the structured first page after a read from the database; never overwrites. */
    public Uni<Void> fillPage(String slug, String json) {
        return call("putIfAbsent", pages, c -> c.putIfAbsentAsync(slug, json, lifespan(true), TimeUnit.MILLISECONDS))
                .replaceWithVoid();
    }

    /** Removes the article's entries (tried even while reads skip Infinispan). */
    public Uni<Void> evict(String slug) {
        return call("remove", fragments, c -> c.removeAsync(slug), true)
                .chain(ignored -> call("remove", counts, c -> c.removeAsync(slug), true))
                .chain(ignored -> call("remove", pages, c -> c.removeAsync(slug), true))
                .replaceWithVoid();
    }

    /** An entry as a refresh read it: its value (null: absent) and its version (0 when absent). */
    public record Versioned(String value, long version) {
        static final Versioned ABSENT = new Versioned(null, 0);

        boolean present() {
            return value != null;
        }
    }

    /** The three entries of an article, read for a versioned refresh. */
    public record Entries(Versioned page, Versioned fragment, Versioned count) {
    }

    /** How a versioned {@link #write} went. */
    public enum Written {
        /** All three entries hold the new values. */
        DONE,
        /** Another writer changed an entry since it was read: refresh again. */
        RACE_LOST,
        /** Infinispan failed: the entries are in an unknown state. */
        FAILED
    }

    /**
     * The article's three entries with their versions, read at the same time; null when Infinispan
     * failed. Tried even while reads skip Infinispan: it is the start of a refresh after a write.
     */
    public Uni<Entries> entries(String slug) {
        return Uni.combine().all().unis(versioned(pages, slug), versioned(fragments, slug), versioned(counts, slug))
                .asTuple()
                .map(read -> read.getItem1() == null || read.getItem2() == null || read.getItem3() == null ? null
                        : new Entries(read.getItem1(), read.getItem2(), read.getItem3()));
    }

    private Uni<Versioned> versioned(LazyRemoteCache cache, String slug) {
        return call("getWithMetadata", cache, c -> c.getWithMetadataAsync(slug).thenApply(CommentsCache::versioned), true);
    }

    private static Versioned versioned(MetadataValue<String> entry) {
        return entry == null ? Versioned.ABSENT : new Versioned(entry.getValue(), entry.getVersion());
    }

    /**
     * Writes the three entries, the structured page first, each only if it is still as {@code before}
     * read it (replaced with its version, or put if still absent). Stops at the first entry another
     * writer changed meanwhile ({@link Written#RACE_LOST}) or at a failure ({@link Written#FAILED}).
     */
    public Uni<Written> write(String slug, Entries before, String page, String html, long count) {
        return writeOne(pages, slug, before.page(), page, lifespan(true))
                .chain(ok -> ok != Written.DONE ? Uni.createFrom().item(ok)
                        : writeOne(fragments, slug, before.fragment(), html, lifespan(true)))
                .chain(ok -> ok != Written.DONE ? Uni.createFrom().item(ok)
                        : writeOne(counts, slug, before.count(), Long.toString(count), lifespan(false)));
    }

    private Uni<Written> writeOne(LazyRemoteCache cache, String slug, Versioned before, String value, long lifespan) {
        Uni<Boolean> written = before.present()
                ? call("replaceWithVersion", cache, c -> c.replaceWithVersionAsync(slug, value, before.version(),
                        lifespan, TimeUnit.MILLISECONDS, 0, TimeUnit.MILLISECONDS), true)
                // the previous value answers whether the put happened: null means it did
                : call("putIfAbsent", cache, c -> c.withFlags(Flag.FORCE_RETURN_VALUE)
                        .putIfAbsentAsync(slug, value, lifespan, TimeUnit.MILLISECONDS).thenApply(previous -> previous == null), true);
        return written.map(ok -> ok == null ? Written.FAILED : ok ? Written.DONE : Written.RACE_LOST);
    }

    private long lifespan(boolean fragment) {
        return (fragment ? config.cache().fragmentLifespan() : config.cache().countLifespan()).toMillis();
    }

    /** A read: a hit when it answers a value. */
    private Uni<String> read(LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<String>> call) {
        return call("get", cache, call, false, Objects::nonNull);
    }

    /** Runs one Hot Rod call with a deadline; any failure becomes null. Emits on the caller's context. */
    private <T> Uni<T> call(String operation, LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<T>> call) {
        return call(operation, cache, call, false, null);
    }

    /** {@code write}: a refresh or eviction after a database write, tried even while reads skip the cache. */
    private <T> Uni<T> call(String operation, LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<T>> call,
                            boolean write) {
        return call(operation, cache, call, write, null);
    }

    /** {@code hit}: for reads, whether an answer is a hit (null for writes); see {@link CacheSpans}. */
    private <T> Uni<T> call(String operation, LazyRemoteCache cache, Function<RemoteCache<String, String>, CompletableFuture<T>> call,
                            boolean write, Predicate<T> hit) {
        if (!write && !availability.readable()) {
            return Uni.createFrom().nullItem(); // a read or a fill: skipped while Infinispan is out of use
        }
        long timeout = config.cache().timeout().toMillis();
        return spans.trace(operation, cache.name(), OnContext.await(() -> cache.run(call, timeout)), hit)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Infinispan %s on %s failed, falling back to the database: %s", operation, cache.name(), failure.toString());
                    availability.failed(failure);
                    return null;
                });
    }

    /**
     * True when Infinispan is in use and every cache answers within the timeout, asked one after the
     * other (a plain read of a key nobody writes, neither counted nor traced). While Infinispan is out
     * of use after a failure this answers false at once, without a call: several calls at a time to a
     * cache the server lost (an empty restart) stall the one Hot Rod connection — each error answer
     * holds back the answers behind it — until the probe has created the cache again. A failed ping
     * takes Infinispan out of use (and so starts the probe).
     */
    public Uni<Boolean> reachable() {
        if (!availability.readable()) {
            return Uni.createFrom().item(false);
        }
        return ping(fragments).chain(up -> up ? ping(counts) : Uni.createFrom().item(false))
                .chain(up -> up ? ping(pages) : Uni.createFrom().item(false));
    }

    private Uni<Boolean> ping(LazyRemoteCache cache) {
        long timeout = config.cache().timeout().toMillis();
        return OnContext.await(() -> cache.run(c -> c.getAsync("ping:readiness"), timeout))
                .map(ignored -> true)
                .onFailure().recoverWithItem(failure -> {
                    availability.failed(failure);
                    return false;
                });
    }

    private static Long parseCount(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
