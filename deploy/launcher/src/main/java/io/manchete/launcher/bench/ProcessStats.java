package io.manchete.launcher.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * CPU time and resident memory of the processes that make up Manchete (and Varnish, and wrk), read from
 * {@code /proc}. A part is a name and a way to find its process ids now: a child the bench started
 * (with its descendants, e.g. varnishd's cache process), the process listening on a port, or the
 * PostgreSQL backends serving the bench's databases.
 */
final class ProcessStats {
    private static final Path PROC = Path.of("/proc");

    /** A named part of the system under test. */
    record Part(String name, Supplier<Set<Long>> pids) {
    }

    /** CPU time (ns) of each process of each part at one moment. */
    record Snapshot(long nanoTime, Map<String, Map<Long, Long>> cpu, long[] machine) {
    }

    private final List<Part> parts = new ArrayList<>();

    void add(Part part) {
        parts.removeIf(p -> p.name().equals(part.name()));
        parts.add(part);
    }

    void remove(String name) {
        parts.removeIf(p -> p.name().equals(name));
    }

    List<Part> parts() {
        return List.copyOf(parts);
    }

    Snapshot snapshot() {
        Map<String, Map<Long, Long>> cpu = new LinkedHashMap<>();
        for (Part part : parts) {
            Map<Long, Long> perPid = new HashMap<>();
            for (long pid : safePids(part)) {
                long nanos = cpuNanos(pid);
                if (nanos >= 0) {
                    perPid.put(pid, nanos);
                }
            }
            cpu.put(part.name(), perPid);
        }
        return new Snapshot(System.nanoTime(), cpu, machineTicks());
    }

    /** CPU seconds each part used between two snapshots (processes that ended in between are lost). */
    static Map<String, Double> cpuSeconds(Snapshot before, Snapshot after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (Map.Entry<String, Map<Long, Long>> e : after.cpu().entrySet()) {
            Map<Long, Long> was = before.cpu().getOrDefault(e.getKey(), Map.of());
            long nanos = 0;
            for (Map.Entry<Long, Long> p : e.getValue().entrySet()) {
                nanos += Math.max(0, p.getValue() - was.getOrDefault(p.getKey(), 0L));
            }
            seconds.put(e.getKey(), nanos / 1e9);
        }
        return seconds;
    }

    /** Cores the whole machine kept busy between two snapshots (all processes, not only ours). */
    static double machineBusyCores(Snapshot before, Snapshot after) {
        if (before.machine() == null || after.machine() == null) {
            return Double.NaN;
        }
        double busy = after.machine()[0] - before.machine()[0];
        double total = after.machine()[1] - before.machine()[1];
        return total <= 0 ? Double.NaN : busy / total * Runtime.getRuntime().availableProcessors();
    }

    /** Resident memory (MB) of each part now. */
    Map<String, Double> rssMb() {
        Map<String, Double> rss = new LinkedHashMap<>();
        for (Part part : parts) {
            long kb = 0;
            for (long pid : safePids(part)) {
                kb += rssKb(pid);
            }
            rss.put(part.name(), kb / 1024.0);
        }
        return rss;
    }

    private static Set<Long> safePids(Part part) {
        try {
            Set<Long> pids = part.pids().get();
            return pids == null ? Set.of() : pids;
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    /** A process and all its descendants, while it is alive. */
    static Set<Long> tree(long pid) {
        Set<Long> pids = new LinkedHashSet<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            if (h.isAlive()) {
                pids.add(pid);
                h.descendants().forEach(d -> pids.add(d.pid()));
            }
        });
        return pids;
    }

    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    /**
     * CPU time (ns) the JIT compiler threads of a JVM have used ({@code C1/C2 CompilerThread*}, from
     * {@code /proc/<pid>/task/<tid>/stat}); 0 for a process that is not a JVM or is gone.
     */
    static long jitNanos(long pid) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !stat.substring(open + 1, close).contains("CompilerThre")) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * (1_000_000_000L / CLOCK_TICKS);
    }

    /** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
    private static final long CLOCK_TICKS = 100;

    /** JIT compiler CPU (ns) of every part's processes now, by part. */
    Map<String, Long> jitNanos() {
        Map<String, Long> jit = new LinkedHashMap<>();
        for (Part part : parts) {
            long nanos = 0;
            for (long pid : safePids(part)) {
                nanos += jitNanos(pid);
            }
            jit.put(part.name(), nanos);
        }
        return jit;
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat. */
    static long[] machineTicks() {
        try {
            String line = Files.readAllLines(PROC.resolve("stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The processes listening on 127.0.0.1:port (or any address), found through /proc/net/tcp* and the fds. */
    static Set<Long> listening(int port) {
        Set<String> inodes = new LinkedHashSet<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(PROC.resolve(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A")) {
                        String local = f[1];
                        int p = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                        if (p == port) {
                            inodes.add(f[9]);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table
            }
        }
        Set<Long> pids = new LinkedHashSet<>();
        if (inodes.isEmpty()) {
            return pids;
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            String target = Files.readSymbolicLink(fd).toString();
                            if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                                pids.add(Long.parseLong(proc.getFileName().toString()));
                                break;
                            }
                        } catch (IOException | RuntimeException ignored) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // not ours to read, or gone
                }
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    /**
     * A part whose pids are looked up by port once and then kept while they live (a lookup scans every
     * process's fds: too slow to repeat each second).
     */
    static Supplier<Set<Long>> byPort(int port) {
        return new Supplier<>() {
            private Set<Long> cached = Set.of();

            @Override
            public synchronized Set<Long> get() {
                boolean alive = !cached.isEmpty() && cached.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                if (!alive) {
                    Set<Long> found = listening(port);
                    Set<Long> withChildren = new LinkedHashSet<>();
                    for (long pid : found) {
                        withChildren.addAll(tree(pid));
                    }
                    cached = withChildren;
                }
                return cached;
            }
        };
    }
}
