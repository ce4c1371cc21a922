package io.manchete.gateway.cache;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoalescerTest {

    @Test
    void oneBuildPerKeyUntilReleased() {
        Coalescer<String> coalescer = new Coalescer<>();
        AtomicInteger runs = new AtomicInteger();
        Coalescer.Flight<String> first = coalescer.join("k", f -> runs.incrementAndGet());
        Coalescer.Flight<String> second = coalescer.join("k", f -> runs.incrementAndGet());
        Coalescer.Flight<String> other = coalescer.join("other", f -> runs.incrementAndGet());
        assertTrue(first.leader());
        assertFalse(second.leader());
        assertTrue(other.leader());
        assertSame(first.result(), second.result());
        assertEquals(2, runs.get());

        first.result().complete("page");
        assertEquals("page", second.result().join());
        // still in flight until the leader releases it (it stores the result first)
        assertFalse(coalescer.join("k", f -> runs.incrementAndGet()).leader());
        first.release();
        assertTrue(coalescer.join("k", f -> runs.incrementAndGet()).leader());
        assertEquals(3, runs.get());
    }

    @Test
    void workThatThrowsFailsTheFlightAndReleasesTheKey() {
        Coalescer<String> coalescer = new Coalescer<>();
        Coalescer.Flight<String> flight = coalescer.join("k", f -> {
            throw new IllegalStateException("boom");
        });
        assertTrue(flight.result().isCompletedExceptionally());
        assertEquals(0, coalescer.inFlight());
    }
}
