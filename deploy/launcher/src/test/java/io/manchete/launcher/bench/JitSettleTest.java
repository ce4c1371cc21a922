package io.manchete.launcher.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the bench's warm-up waits for: the JIT compilers' CPU, read from /proc. */
class JitSettleTest {

    @Test
    void theCompilerThreadsOfThisJvmHaveUsedCpuAndANonJvmHasNone() {
        long mine = ProcessStats.jitNanos(ProcessHandle.current().pid());
        assertTrue(mine > 0, "a JVM that ran JUnit has compiled something: " + mine);
        long shell = ProcessStats.jitNanos(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L));
        assertTrue(shell >= 0);
        assertEquals(0, ProcessStats.jitNanos(Long.MAX_VALUE), "no such process");
    }

    @Test
    void coresAreTheCompilerTimeOfEveryPartOverTheWindow() {
        Map<String, Long> before = Map.of("gateway", 1_000_000_000L, "comments", 0L);
        Map<String, Long> after = Map.of("gateway", 2_000_000_000L, "comments", 500_000_000L, "new", 7_000_000_000L);
        // 1 s + 0.5 s over 5 s; a part that was not there before counts from its first reading
        assertEquals(0.3, Bench.jitCores(before, after, 5), 1e-9);
        assertEquals(0, Bench.jitCores(before, before, 5), 1e-9);
    }

    @Test
    void settleIsBounded() {
        Path root = Path.of(".").toAbsolutePath();
        assertEquals(60, BenchOptions.parse(new String[0], root).settle());
        assertEquals(0, BenchOptions.parse(new String[] {"--settle", "0"}, root).settle());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--settle", "301"}, root));
    }
}
