package io.manchete.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of wrk with {@code bench/wrk/zipf.lua}; its report goes to a file, the JSON line of done() is read back. */
final class Wrk {
    /** What wrk measured. Latencies in milliseconds. */
    record Result(long requests, long posts, double seconds, long bytes, long connectErrors, long readErrors,
                  long writeErrors, long statusErrors, long timeouts, double meanMs, double p50Ms, double p90Ms,
                  double p99Ms, double maxMs) {

        double rps() {
            return seconds <= 0 ? 0 : requests / seconds;
        }

        long socketErrors() {
            return connectErrors + readErrors + writeErrors + timeouts;
        }

        long errors() {
            return socketErrors() + statusErrors;
        }
    }

    private final Process process;
    private final Path log;
    private final int seconds;

    private Wrk(Process process, Path log, int seconds) {
        this.process = process;
        this.log = log;
        this.seconds = seconds;
    }

    /**
     * Starts {@code wrk -t threads -c connections -d seconds --timeout 5s --latency -s script url -- args}.
     */
    static Wrk start(Path script, String url, int threads, int connections, int seconds, List<String> args, Path log) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", Integer.toString(threads), "-c",
                Integer.toString(connections), "-d", seconds + "s", "--timeout", "5s", "--latency", "-s",
                script.toString(), url, "--"));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new Wrk(process, log, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk (is it installed? bench/run installs it)", e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the end (at most the duration plus 30 s) and reads the result. */
    Result await() {
        try {
            if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("wrk did not finish in time; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String output;
        try {
            output = Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String json = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("BENCH_JSON ")) {
                json = line.substring("BENCH_JSON ".length());
            }
        }
        if (json == null) {
            throw new IllegalStateException("wrk exited with " + process.exitValue() + " without a result; see " + log
                    + "\n" + tail(output));
        }
        Map<String, Double> v = Json.numbers(json);
        return new Result(l(v, "requests"), l(v, "posts"), v.getOrDefault("duration_us", 0.0) / 1e6, l(v, "bytes"),
                l(v, "connect_errors"), l(v, "read_errors"), l(v, "write_errors"), l(v, "status_errors"),
                l(v, "timeouts"), ms(v, "mean_us"), ms(v, "p50_us"), ms(v, "p90_us"), ms(v, "p99_us"), ms(v, "max_us"));
    }

    private static long l(Map<String, Double> v, String key) {
        return v.getOrDefault(key, 0.0).longValue();
    }

    private static double ms(Map<String, Double> v, String key) {
        return v.getOrDefault(key, Double.NaN) / 1000.0;
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 15), lines.length));
    }
}
