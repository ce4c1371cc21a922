package io.manchete.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteOptionsTest {
    private static final String PAGES = "manchete.page-cache.near-cache.pages";

    @Test
    void everyPartGetsItsWholeHeapFromTheStart() {
        List<String> jvm = Suite.Options.defaultJvmOptions();
        assertTrue(jvm.contains("-Xms384m") && jvm.contains("-Xmx384m") && jvm.contains("-XX:+AlwaysPreTouch"), jvm::toString);
    }

    @Test
    void theGatewayHeapGrowsWithItsPageNearCache() {
        assertEquals(759, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "11000"), 24_000));
        assertEquals(385, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, " 5016 "), 24_000));
        assertEquals(List.of("-Xms759m", "-Xmx759m"), Suite.Options.gatewayHeap(Map.of(PAGES, "11000")));
    }

    @Test
    void theDefaultHeapServesTheDefaultNearCacheAndAnythingUnreadable() {
        assertEquals(0, Suite.Options.gatewayHeapMbFor(Map.of(), 24_000));
        assertEquals(0, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "5000"), 24_000));
        assertEquals(0, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "200"), 24_000));
        assertEquals(0, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "lots"), 24_000));
    }

    @Test
    void theGatewayHeapStaysWithinAQuarterOfTheMachine() {
        // a million pages would want 62 GB
        assertEquals(6_000, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "1000000"), 24_000));
        // a small machine: the rule's heap where it fits, the default heap at the least
        assertEquals(500, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "11000"), 2_000));
        assertEquals(384, Suite.Options.gatewayHeapMbFor(Map.of(PAGES, "11000"), 1_000));
        assertTrue(Suite.Options.physicalMemoryMb() > 384, "this JVM can tell the machine's memory");
    }
}
