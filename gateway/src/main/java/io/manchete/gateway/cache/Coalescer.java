package io.manchete.gateway.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * At most one build per key at a time in this process: the first caller for a key runs the work, the
 * others get the same future. The leader decides when the key is released ({@link Flight#release})
 * — after the result is stored, so a request arriving between "built" and "stored" joins the finished
 * flight instead of starting another build; a failure releases it at once.
 */
public final class Coalescer<T> {
    private final ConcurrentMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();

    /** One caller's view of a build. */
    public static final class Flight<T> {
        private final Coalescer<T> owner;
        private final String key;
        private final CompletableFuture<T> result;
        private final boolean leader;

        Flight(Coalescer<T> owner, String key, CompletableFuture<T> result, boolean leader) {
            this.owner = owner;
            this.key = key;
            this.result = result;
            this.leader = leader;
        }

        public CompletableFuture<T> result() {
            return result;
        }

        /** True for the caller that runs the work; false for one that joined a build in flight. */
        public boolean leader() {
            return leader;
        }

        /** Lets the next caller for this key start a new build. */
        public void release() {
            owner.inFlight.remove(key, result);
        }
    }

    /**
     * Joins the build for {@code key}, or starts it with {@code work} (given this caller's flight, to
     * complete its result and release it). {@code work} must complete the flight's result; if it
     * throws, the result fails and the key is released.
     */
    public Flight<T> join(String key, Function<Flight<T>, ?> work) {
        CompletableFuture<T> existing = inFlight.get(key);
        if (existing != null) {
            return new Flight<>(this, key, existing, false);
        }
        CompletableFuture<T> mine = new CompletableFuture<>();
        existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return new Flight<>(this, key, existing, false);
        }
        Flight<T> flight = new Flight<>(this, key, mine, true);
        try {
            work.apply(flight);
        } catch (RuntimeException e) {
            flight.release();
            mine.completeExceptionally(e);
        }
        return flight;
    }

    /** Builds in flight now (for tests and metrics). */
    public int inFlight() {
        return inFlight.size();
    }
}
