package io.manchete.gateway.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code perSecond} retries to one upstream per second (a fixed one-second window): when an
 * upstream struggles, retries must not multiply its load. Lock-free and allocation-free; the window
 * edges are approximate under contention, which is good enough for a budget.
 */
public final class RetryBudget {
    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private final AtomicLong window = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger used = new AtomicInteger();

    public RetryBudget(int perSecond) {
        this.perSecond = Math.max(0, perSecond);
    }

    /** Whether a retry may be made now (does not spend it). */
    public boolean available() {
        return perSecond > 0 && current() < perSecond;
    }

    /** Spends one retry of the current second; false (and nothing spent) when none is left. */
    public boolean take() {
        if (perSecond == 0) {
            return false;
        }
        current();
        while (true) {
            int now = used.get();
            if (now >= perSecond) {
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Starts the budget afresh (tests). */
    public void reset() {
        window.set(Long.MIN_VALUE);
        used.set(0);
    }

    private int current() {
        long second = System.nanoTime() / SECOND;
        long seen = window.get();
        if (seen != second && window.compareAndSet(seen, second)) {
            used.set(0);
        }
        return used.get();
    }
}
