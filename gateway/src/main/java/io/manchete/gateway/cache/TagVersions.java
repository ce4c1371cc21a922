package io.manchete.gateway.cache;

import io.manchete.gateway.config.GatewayConfig;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Active expiration, reading side: one version per tag in the shared {@code gateway-tags} cache
 * (near-cached in every gateway, invalidated by the server when another gateway writes). A purge
 * gives each of its tags a new version; a cached page or fragment remembers the versions of its tags
 * from before its upstream fetch and is current only while all of them still are.
 *
 * <p>A version is {@code <epoch millis of the purge>.<64 random bits in hex>}; a tag nobody purged
 * yet gets an initial version {@code 0.<random>}. The time lets a fetch whose tags were unknown
 * before it (a fragment never seen) tell whether a purge may have crossed it.
 */
@Singleton
public class TagVersions {
    private static final CompletableFuture<Boolean> CURRENT = CompletableFuture.completedFuture(Boolean.TRUE);

    private final GatewayCaches caches;
    private final long lifespanSeconds;
    private final long clockSkewMillis;

    public TagVersions(GatewayCaches caches, GatewayConfig config) {
        this.caches = caches;
        this.lifespanSeconds = Math.max(1, config.pageCache().tagVersionLifespan().toSeconds());
        this.clockSkewMillis = config.pageCache().clockSkew().toMillis();
    }

    static String purgeVersion(long epochMillis) {
        return epochMillis + "." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static String initialVersion() {
        return "0." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    /** When the version was written by a purge (0 for an initial one; "now" for anything unreadable). */
    static long purgedAt(String version) {
        int dot = version == null ? -1 : version.indexOf('.');
        if (dot <= 0) {
            return Long.MAX_VALUE;
        }
        long millis = 0;
        for (int i = 0; i < dot; i++) {
            char c = version.charAt(i);
            if (c < '0' || c > '9' || millis > Long.MAX_VALUE / 10 - 10) {
                return Long.MAX_VALUE;
            }
            millis = millis * 10 + (c - '0');
        }
        return millis;
    }

    /**
     * Whether every tag version {@code entry} was built from is still the current one. Hot path: with
     * the versions in the near cache the future is already complete (no remote call, no thread hop),
     * and when none of the entry's tags can have changed in the near cache since the last check that
     * found them current ({@link NearCacheChanges}), not even the near cache is read. Fails (after the cache
     * timeout at most) when Infinispan cannot answer.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Boolean> current(CacheEntry entry) {
        int count = entry.tagCount();
        if (count == 0) {
            return CURRENT;
        }
        long stamp = NearCacheChanges.TAGS.stamp(entry); // before the reads: a change after them moves it
        if (stampedCurrent(entry, stamp)) {
            return CURRENT;
        }
        CompletableFuture<String>[] reads = new CompletableFuture[count];
        boolean allDone = true;
        for (int i = 0; i < count; i++) {
            reads[i] = caches.tags().getAsync(entry.tag(i));
            if (reads[i].isDone()) {
                if (!reads[i].isCompletedExceptionally() && !entry.version(i).equals(reads[i].getNow(null))) {
                    return CompletableFuture.completedFuture(Boolean.FALSE); // moved: no need to wait for the rest
                }
            } else {
                allDone = false;
            }
        }
        if (allDone) {
            try {
                return CompletableFuture.completedFuture(matches(entry, reads, stamp));
            } catch (RuntimeException failed) {
                return CompletableFuture.failedFuture(failed);
            }
        }
        return caches.bounded(CompletableFuture.allOf(reads)).thenApply(ignored -> matches(entry, reads, stamp));
    }

    /**
     * Whether a check already found {@code entry} current and none of its tags changed in the near
     * cache since: the next {@link #current} answers without reading a version.
     */
    public boolean knownCurrent(CacheEntry entry) {
        return stampedCurrent(entry, NearCacheChanges.TAGS.stamp(entry));
    }

    private static boolean stampedCurrent(CacheEntry entry, long stamp) {
        return stamp != NearCacheChanges.NONE && entry.currentAt() == stamp;
    }

    private static boolean matches(CacheEntry entry, CompletableFuture<String>[] reads, long stamp) {
        for (int i = 0; i < reads.length; i++) {
            if (!entry.version(i).equals(reads[i].join())) {
                return false;
            }
        }
        if (stamp != NearCacheChanges.NONE) {
            entry.currentAt(stamp);
        }
        return true;
    }

    /**
     * The current version of each tag, giving a tag without one an initial version first (so every
     * tag of a stored entry has a version, and the near cache holds it after this read). Used before
     * an upstream fetch whose tags are known from an earlier answer.
     */
    public CompletableFuture<Map<String, String>> read(Collection<String> tags) {
        Map<String, String> versions = new LinkedHashMap<>();
        if (tags.isEmpty()) {
            return CompletableFuture.completedFuture(versions);
        }
        CompletableFuture<?>[] reads = new CompletableFuture[tags.size()];
        int i = 0;
        for (String tag : tags) {
            versions.put(tag, null);
            reads[i++] = readOne(tag).thenAccept(version -> {
                synchronized (versions) {
                    versions.put(tag, version);
                }
            });
        }
        return caches.bounded(CompletableFuture.allOf(reads)).thenApply(ignored -> {
            synchronized (versions) {
                return versions;
            }
        });
    }

    private CompletableFuture<String> readOne(String tag) {
        return caches.tags().getAsync(tag).thenCompose(version -> {
            if (version != null) {
                return CompletableFuture.completedFuture(version);
            }
            String initial = initialVersion();
            return caches.tagsReturningPrevious()
                    .putIfAbsentAsync(tag, initial, lifespanSeconds, TimeUnit.SECONDS)
                    // read it back: the winner of a race, and from now on in the near cache
                    .thenCompose(previous -> caches.tags().getAsync(tag))
                    .thenApply(winner -> winner != null ? winner : initial);
        });
    }

    /**
     * For tags first seen in an upstream answer (their versions could not be read before the fetch):
     * their versions, or {@code null} when one of them was purged so shortly before
     * {@code fetchStartMillis} (within the clock skew allowed between gateways) or after it that the
     * purge may have crossed the fetch — then the answer must not be cached.
     */
    public CompletableFuture<Map<String, String>> readAfterFetch(Collection<String> tags, long fetchStartMillis) {
        return read(tags).thenApply(versions -> {
            for (String version : versions.values()) {
                if (purgedAt(version) >= fetchStartMillis - clockSkewMillis) {
                    return null;
                }
            }
            return versions;
        });
    }

    /**
     * Gives every tag a new version. Completes when Infinispan acknowledged every write; fails when it
     * did not within {@code timeoutMillis}.
     */
    public CompletableFuture<Void> purge(Collection<String> tags, long timeoutMillis) {
        if (tags.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long now = System.currentTimeMillis();
        CompletableFuture<?>[] writes = new CompletableFuture[tags.size()];
        int i = 0;
        for (String tag : tags) {
            writes[i++] = caches.tags().putAsync(tag, purgeVersion(now), lifespanSeconds, TimeUnit.SECONDS);
        }
        return CompletableFuture.allOf(writes).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
