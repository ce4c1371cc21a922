package io.manchete.launcher;

import java.io.PrintStream;
import java.util.Locale;

/** Prints timestamped progress lines: {@code [  4.2s] content      ready on http://127.0.0.1:8082}. */
public final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public static Progress silent() {
        return new Progress(null);
    }

    public void step(String part, String message) {
        if (out == null) {
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        synchronized (out) {
            out.printf(Locale.ROOT, "[%6.1fs] %-12s %s%n", seconds, part, message);
            out.flush();
        }
    }
}
