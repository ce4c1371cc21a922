package io.manchete.launcher.bench;

import io.manchete.launcher.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * varnishd in the foreground ({@code -F}) on a loopback port with a private work dir under /tmp, the
 * bench's child: stopping it (SIGTERM) stops its cache process too.
 */
final class Varnish implements AutoCloseable {
    private final Process process;
    private final Path workDir;
    private final int port;

    private Varnish(Process process, Path workDir, int port) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
    }

    static boolean installed() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, "varnishd"))) {
                return true;
            }
        }
        return false;
    }

    private static String binary(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return name;
    }

    static Varnish start(Path vclTemplate, int port, int backendPort, Path log) {
        if (Ports.listening(port)) {
            throw new IllegalStateException("port " + port + " for varnishd is taken");
        }
        try {
            Path workDir = Files.createTempDirectory("manchete-bench-varnish-");
            workDir.toFile().setReadable(true, false);
            workDir.toFile().setExecutable(true, false);
            Path vcl = workDir.resolve("manchete.vcl");
            Files.writeString(vcl, Files.readString(vclTemplate).replace("@GATEWAY_PORT@", Integer.toString(backendPort)));
            vcl.toFile().setReadable(true, false);
            List<String> command = List.of(binary("varnishd"), "-F", "-a", "127.0.0.1:" + port, "-T", "none",
                    "-n", workDir.resolve("n").toString(), "-f", vcl.toString(), "-s", "malloc,512m",
                    "-p", "thread_pool_min=50", "-p", "vsl_space=16m");
            Files.createDirectories(log.getParent());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Varnish varnish = new Varnish(process, workDir, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    varnish.close();
                    throw new IllegalStateException("varnishd exited with " + process.exitValue() + "; see " + log);
                }
                if (Ports.listening(port)) {
                    return varnish;
                }
                Thread.sleep(200);
            }
            varnish.close();
            throw new IllegalStateException("varnishd not listening on " + port + " after 60 s; see " + log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start varnishd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    /** MAIN.* counters from varnishstat (cache_hit, cache_miss, …); empty when it cannot be read. */
    Map<String, Double> stats() {
        Map<String, Double> stats = new LinkedHashMap<>();
        try {
            Process p = new ProcessBuilder(binary("varnishstat"), "-n", workDir.resolve("n").toString(), "-1",
                    "-f", "MAIN.cache_hit", "-f", "MAIN.cache_hit_grace", "-f", "MAIN.cache_miss", "-f", "MAIN.cache_hitpass",
                    "-f", "MAIN.cache_hitmiss", "-f", "MAIN.client_req", "-f", "MAIN.backend_req")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].startsWith("MAIN.")) {
                    try {
                        stats.put(f[0].substring(5), Double.parseDouble(f[1]));
                    } catch (NumberFormatException ignored) {
                        // not a counter line
                    }
                }
            }
        } catch (IOException e) {
            return stats;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stats;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
