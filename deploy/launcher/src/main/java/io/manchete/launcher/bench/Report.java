package io.manchete.launcher.bench;

import io.manchete.launcher.Suite;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Turns the scenario results into {@code results.json}, {@code results.md} and (through
 * {@code bench/chart.py}) {@code chart.svg}, and copies them to {@code latest.*} beside the run folders.
 * The goals are printed next to the numbers; they never change the exit code.
 */
final class Report {
    static final Map<String, String> TITLES = Map.of(
            "a", "cached pages, Zipf",
            "b", "page-cache misses (composition)",
            "c", "realistic mix: reads, 2 % comments, 1 edit/s",
            "d", "fan-out, each service +100 ms",
            "e", "Varnish 7 in front (gateway page cache off)");

    static final double GOAL_VARNISH_RATIO = 1.0;
    static final double GOAL_MIX_RPS = 15_000;
    static final double GOAL_MIX_P99_MS = 50;
    static final double GOAL_FANOUT_P50_MS = 115;
    static final double GOAL_DB_PER_1000 = 10;

    private final BenchOptions o;
    private final Map<String, Object> meta;
    private final Map<String, Map<String, Object>> results;
    private final String runPath;

    Report(BenchOptions o, Map<String, Object> meta, Map<String, Map<String, Object>> results, String runPath) {
        this.o = o;
        this.meta = meta;
        this.results = results;
        this.runPath = runPath;
    }

    /** Writes everything and returns the Markdown. */
    String write(Path runDir, Path chartScript) {
        Double ratio = varnishRatio();
        Map<String, Object> goals = goals(ratio);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("meta", meta);
        json.put("varnishRatio", ratio);
        json.put("goals", goals);
        json.put("scenarios", new ArrayList<>(results.values()));
        try {
            Files.writeString(runDir.resolve("results.json"), Json.write(json), StandardCharsets.UTF_8);
            boolean chart = chart(chartScript, runDir.resolve("results.json"), runDir.resolve("chart.svg"));
            String markdown = markdown(ratio, goals, chart ? "chart.svg" : null);
            Files.writeString(runDir.resolve("results.md"), markdown, StandardCharsets.UTF_8);
            Path results = runDir.getParent();
            String latest = markdown(ratio, goals, chart ? "latest.svg" : null);
            Files.writeString(results.resolve("latest.md"), latest, StandardCharsets.UTF_8);
            Files.copy(runDir.resolve("results.json"), results.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
            if (chart) {
                Files.copy(runDir.resolve("chart.svg"), results.resolve("latest.svg"), StandardCopyOption.REPLACE_EXISTING);
            }
            return markdown;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results", e);
        }
    }

    private static boolean chart(Path script, Path json, Path svg) {
        if (!Files.isRegularFile(script)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("python3", script.toString(), json.toString(), svg.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            if (p.exitValue() != 0) {
                System.err.println("bench: chart.py failed: " + out);
                return false;
            }
            return Files.isRegularFile(svg);
        } catch (IOException e) {
            System.err.println("bench: no chart (python3 missing?): " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Double varnishRatio() {
        Map<String, Object> a = results.get("a");
        Map<String, Object> e = results.get("e");
        if (ok(a) && ok(e) && num(e.get("rps")) > 0) {
            return num(a.get("rps")) / num(e.get("rps"));
        }
        return null;
    }

    /** Per scenario: goal text → {value, met}. */
    private Map<String, Object> goals(Double ratio) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : results.entrySet()) {
            Map<String, Object> r = e.getValue();
            if (!ok(r)) {
                continue;
            }
            Map<String, Object> g = new LinkedHashMap<>();
            switch (e.getKey()) {
                case "a" -> {
                    if (ratio != null) {
                        g.put("≥ 1.0× Varnish", goal(String.format(Locale.ROOT, "%.2f×", ratio), ratio >= GOAL_VARNISH_RATIO));
                    }
                }
                case "c" -> {
                    double rps = num(r.get("rps"));
                    double p99 = num(latency(r, "p99"));
                    long errors = (long) num(((Map<?, ?>) r.get("errors")).get("total"));
                    g.put("≥ 15,000 req/s", goal(String.format(Locale.ROOT, "%,.0f", rps), rps >= GOAL_MIX_RPS));
                    g.put("p99 ≤ 50 ms", goal(ms(p99), p99 <= GOAL_MIX_P99_MS));
                    g.put("0 errors", goal(Long.toString(errors), errors == 0));
                }
                case "d" -> {
                    double p50 = num(latency(r, "p50"));
                    if (r.get("goalNotMeasurable") == null) {
                        g.put("p50 ≤ 115 ms", goal(ms(p50), p50 <= GOAL_FANOUT_P50_MS));
                    } else {
                        g.put("p50 ≤ 115 ms", goal(ms(p50) + " (not measurable: fragment cache on)", null));
                    }
                }
                default -> {
                    // (b) and (e) have no goal of their own
                }
            }
            Object db = r.get("dbQueriesPer1000Views");
            if (db instanceof Number n) {
                g.put("≤ 10 DB queries / 1k views", goal(String.format(Locale.ROOT, "%.1f", n.doubleValue()),
                        n.doubleValue() <= GOAL_DB_PER_1000));
            }
            all.put(e.getKey(), g);
        }
        return all;
    }

    private static Map<String, Object> goal(String value, Boolean met) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("value", value);
        g.put("met", met);
        return g;
    }

    // ---------------------------------------------------------------- Markdown

    private String markdown(Double ratio, Map<String, Object> goals, String chart) {
        StringBuilder md = new StringBuilder();
        md.append("# Manchete benchmark, ").append(str(meta.get("date"))).append("\n\n");
        md.append(String.format(Locale.ROOT, "commit %s%s · %s cores (%s) · %.0f GiB · Java %s · %s · %s%n%n",
                str(meta.get("commit")), Boolean.TRUE.equals(meta.get("uncommittedChanges")) ? " + uncommitted changes" : "",
                meta.get("cores"), str(meta.get("cpu")), num(meta.get("memoryGb")), str(meta.get("java")),
                str(meta.get("wrk")).replaceAll(" Copyright.*", ""), meta.get("varnish") == null ? "no varnish"
                        : str(meta.get("varnish")).replaceAll("^varnishd \\((varnish-[^ ]+).*", "$1")));
        md.append(String.format(Locale.ROOT, "%,d articles, %,d comments (seed %d) · %d s per scenario after a %d s warm-up · "
                        + "wrk: %d connections, %d threads · %s · JVMs: `%s`%n%n",
                o.articles(), o.comments(), o.seed(), o.duration(), o.warmup(), o.connections(), o.threads(),
                str(meta.get("mode")), str(meta.get("jvmOptions"))));
        String nearCache = o.gatewayProps().get(BenchOptions.NEAR_CACHE_PAGES);
        if (nearCache != null && o.managed()) { // a running suite keeps its own settings
            long heapMb = Suite.Options.gatewayHeapMb(o.gatewayProps());
            md.append(String.format(Locale.ROOT, "In memory: the gateway's page near cache holds up to %s pages (`%s`) "
                    + "for the %,d articles, their sections and the home page, and %s tag versions%s; Varnish has 512 MB of "
                    + "storage.%n%n", nearCache, BenchOptions.NEAR_CACHE_PAGES, o.articles(),
                    o.gatewayProps().get(BenchOptions.NEAR_CACHE_TAGS),
                    heapMb == 0 ? "" : ", in a heap of " + heapMb + " MB (`-Xms" + heapMb + "m -Xmx" + heapMb + "m`)"));
        }
        md.append("| scenario | req/s | p50 | p90 | p99 | max | errors | DB queries / 1k views | cache hits | goals |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
        for (Map.Entry<String, Map<String, Object>> e : results.entrySet()) {
            Map<String, Object> r = e.getValue();
            String name = "(" + e.getKey() + ") " + str(r.get("title"));
            if (!ok(r)) {
                md.append("| ").append(name).append(" | n/a | | | | | | | | ").append(cell(str(r.get("reason")))).append(" |\n");
                continue;
            }
            Map<?, ?> errors = (Map<?, ?>) r.get("errors");
            md.append("| ").append(name)
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", num(r.get("rps"))))
                    .append(" | ").append(ms(num(latency(r, "p50"))))
                    .append(" | ").append(ms(num(latency(r, "p90"))))
                    .append(" | ").append(ms(num(latency(r, "p99"))))
                    .append(" | ").append(ms(num(latency(r, "max"))))
                    .append(" | ").append(errorCell(errors))
                    .append(" | ").append(dbCell(r))
                    .append(" | ").append(cacheCell(r))
                    .append(" | ").append(goalCell((Map<?, ?>) goals.get(e.getKey())))
                    .append(" |\n");
        }
        md.append('\n');
        if (ratio != null) {
            md.append(String.format(Locale.ROOT, "**(a)/(e) = %.2f× Varnish** (goal ≥ %.1f×: %s)%n%n", ratio,
                    GOAL_VARNISH_RATIO, ratio >= GOAL_VARNISH_RATIO ? "met" : "not met"));
        } else if (results.containsKey("a") || results.containsKey("e")) {
            md.append("(a)/(e): n/a (needs both scenarios)\n\n");
        }
        md.append("Goals: (a) ≥ 1.0× Varnish; (c) ≥ 15,000 req/s, p99 ≤ 50 ms, zero errors; (d) p50 ≤ 115 ms; "
                + "every scenario ≤ 10 DB queries per 1,000 page views. ✓ met, ✗ not met (goals, not exit codes).\n\n");

        List<String> notes = notes();
        if (!notes.isEmpty()) {
            md.append("Notes:\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }

        md.append("### Where the CPU went\n\n");
        md.append("CPU seconds each process used in the measured window, the same in cores (CPU s ÷ wall s), and its peak RSS. "
                + "postgres = the backends serving the bench's databases (their RSS adds up shared buffers once per backend); "
                + "wrk, the load generator, shares the same cores.\n\n");
        List<String> ids = new ArrayList<>();
        Set<String> parts = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, Object>> e : results.entrySet()) {
            if (ok(e.getValue())) {
                ids.add(e.getKey());
                processes(e.getValue()).keySet().forEach(k -> parts.add(k.toString()));
            }
        }
        if (!ids.isEmpty()) {
            md.append("| process |");
            ids.forEach(id -> md.append(" (").append(id).append(") |"));
            md.append("\n|---|");
            ids.forEach(id -> md.append("--:|"));
            md.append('\n');
            for (String part : parts) {
                md.append("| ").append(part).append(" |");
                for (String id : ids) {
                    Map<?, ?> p = (Map<?, ?>) processes(results.get(id)).get(part);
                    if (p == null) {
                        md.append(" — |");
                    } else {
                        double rss = num(p.get("rssMaxMb"));
                        md.append(String.format(Locale.ROOT, " %.1f s = %.2f cores%s |", num(p.get("cpuSeconds")), num(p.get("cores")),
                                rss > 0 ? String.format(Locale.ROOT, " · %.0f MB", rss) : ""));
                    }
                }
                md.append('\n');
            }
            md.append("| whole machine (all processes) |");
            for (String id : ids) {
                md.append(String.format(Locale.ROOT, " %.2f of %s cores |", num(results.get(id).get("machineBusyCores")),
                        results.get(id).get("cores")));
            }
            md.append("\n\n");
        }
        if (chart != null) {
            md.append("![requests per second and latency per scenario](").append(chart).append(")\n\n");
        }
        md.append("Raw data: `").append(runPath).append("/` (results.json, wrk-*.txt, paths.txt).\n");
        return md.toString();
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (meta.get("warnings") instanceof List<?> warnings) {
            warnings.forEach(w -> notes.add("warning: " + w));
        }
        for (Map.Entry<String, Map<String, Object>> e : results.entrySet()) {
            Map<String, Object> r = e.getValue();
            if (r.get("notes") instanceof List<?> list) {
                for (Object n : list) {
                    notes.add("(" + e.getKey() + ") " + n);
                }
            }
            if (r.get("editor") instanceof Map<?, ?> ed) {
                notes.add(String.format(Locale.ROOT, "(%s) editor: %s of %s updates succeeded %s, p50 %s",
                        e.getKey(), ed.get("ok"), ed.get("attempts"), ed.get("outcomes"), ms(num(ed.get("p50Ms")))));
            }
            if (ok(r) && num(((Map<?, ?>) r.get("errors")).get("total")) > 0 && r.get("gatewayStatuses") instanceof Map<?, ?> st) {
                notes.add(String.format(Locale.ROOT, "(%s) the gateway%s answered, by status: %s", e.getKey(),
                        "e".equals(e.getKey()) ? " behind Varnish" : "", st));
            }
            if (ok(r) && num(r.get("posts")) > 0) {
                notes.add(String.format(Locale.ROOT, "(%s) %,d comment posts among %,d requests", e.getKey(),
                        (long) num(r.get("posts")), (long) num(r.get("requests"))));
            }
            if ("b".equals(e.getKey()) && ok(r) && r.get("fragmentCache") instanceof Map<?, ?> f
                    && f.get("hitRatio") instanceof Number n) {
                notes.add(String.format(Locale.ROOT, "(b) every page composed; the gateway's fragment cache answered "
                        + "%.1f %% of layout/fragment look-ups, the services the rest", n.doubleValue() * 100));
            }
        }
        return notes;
    }

    private static String errorCell(Map<?, ?> errors) {
        long total = (long) num(errors.get("total"));
        if (total == 0) {
            return "0";
        }
        long status = (long) num(errors.get("status"));
        return total + " (" + status + " HTTP ≥ 400, " + (total - status) + " socket)";
    }

    private static String cacheCell(Map<String, Object> r) {
        Object ratio = r.get("cacheHitRatio");
        String kind = str(r.get("cacheKind"));
        if (ratio instanceof Number n) {
            return String.format(Locale.ROOT, "%.1f %% %s", n.doubleValue() * 100, kind);
        }
        return kind + " n/a";
    }

    private static String goalCell(Map<?, ?> goals) {
        if (goals == null || goals.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<?, ?> g : goals.entrySet()) {
            Map<?, ?> v = (Map<?, ?>) g.getValue();
            Object met = v.get("met");
            parts.add(g.getKey() + ": " + v.get("value") + (met == null ? "" : Boolean.TRUE.equals(met) ? " ✓" : " ✗"));
        }
        return String.join("; ", parts);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static Map<?, ?> processes(Map<String, Object> r) {
        return r.get("processes") instanceof Map<?, ?> m ? m : Map.of();
    }

    private static Object latency(Map<String, Object> r, String key) {
        return ((Map<?, ?>) r.get("latencyMs")).get(key);
    }

    static boolean ok(Map<String, Object> r) {
        return r != null && "ok".equals(r.get("status"));
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String ms(double ms) {
        if (Double.isNaN(ms)) {
            return "n/a";
        }
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%,.0f ms", ms);
    }

    private static String str(Object o) {
        return o == null ? "?" : o.toString();
    }

    /** Statements per 1,000 page views, with what they were for when the services say (reads · writes · background). */
    static String dbCell(Map<?, ?> r) {
        if (!(r.get("dbQueriesPer1000Views") instanceof Number n)) {
            return "n/a";
        }
        String total = String.format(Locale.ROOT, "%.1f", n.doubleValue());
        if (r.get("dbQueriesPer1000ViewsByCause") instanceof Map<?, ?> causes) {
            return total + String.format(Locale.ROOT, " (%.1f r · %.1f w · %.1f bg)", num(causes.get("read")),
                    num(causes.get("write")), num(causes.get("background")));
        }
        return total;
    }
}
