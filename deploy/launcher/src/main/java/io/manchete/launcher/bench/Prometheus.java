package io.manchete.launcher.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the few Manchete counters the bench needs from a part's {@code /q/metrics} (Prometheus text format). */
final class Prometheus {
    /** HTTP/1.1, as Prometheus scrapes (see {@code Bench.http}). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static final String DB_QUERIES = "manchete_db_queries_total";
    static final String PAGE_CACHE = "manchete_page_cache_total";
    static final String FRAGMENT_CACHE = "manchete_fragment_cache_total";
    static final String PAGE_ANSWERS = "manchete_page_duration_seconds_count";
    static final String PAGE_BUCKETS = "manchete_page_duration_seconds_bucket";
    /** The gateway's calls upstream, by {@code slot} (a fragment, a layout, {@code comment-post}). */
    static final String FRAGMENT_BUCKETS = "manchete_fragment_duration_seconds_bucket";

    private Prometheus() {
    }

    /** A scrape: {@code name{label="v",…}} (labels sorted as printed) → value; empty when the part does not answer. */
    record Scrape(Map<String, Double> samples, boolean answered) {
        /** Sum over every label set of a metric; 0 when absent. */
        double sum(String name) {
            double sum = 0;
            for (Map.Entry<String, Double> e : samples.entrySet()) {
                String key = e.getKey();
                if (key.equals(name) || key.startsWith(name + "{")) {
                    sum += e.getValue();
                }
            }
            return sum;
        }

        /** Sum over the label sets of a metric that have {@code label="value"}. */
        double sum(String name, String label, String value) {
            double sum = 0;
            for (Map.Entry<String, Double> e : samples.entrySet()) {
                String key = e.getKey();
                if (key.startsWith(name + "{") && labels(key).getOrDefault(label, "").equals(value)) {
                    sum += e.getValue();
                }
            }
            return sum;
        }

        /** Sums of a metric per value of one label, e.g. page answers per status. */
        Map<String, Double> byLabel(String name, String label) {
            Map<String, Double> sums = new java.util.TreeMap<>();
            for (Map.Entry<String, Double> e : samples.entrySet()) {
                if (e.getKey().startsWith(name + "{")) {
                    String value = labels(e.getKey()).get(label);
                    if (value != null) {
                        sums.merge(value, e.getValue(), Double::sum);
                    }
                }
            }
            return sums;
        }

        /**
         * The {@code q} quantile, in milliseconds, of what a histogram counted between {@code before}
         * and this scrape for the label sets with {@code label="value"}: the upper bound of the first
         * bucket that holds it (so "at most"); {@code NaN} when nothing was counted.
         */
        double quantileMs(Scrape before, String buckets, String label, String value, double q) {
            java.util.TreeMap<Double, Double> counts = new java.util.TreeMap<>();
            for (Map.Entry<String, Double> e : samples.entrySet()) {
                String key = e.getKey();
                if (!key.startsWith(buckets + "{")) {
                    continue;
                }
                Map<String, String> labels = labels(key);
                String le = labels.get("le");
                if (le == null || !value.equals(labels.get(label))) {
                    continue;
                }
                double was = before == null ? 0 : before.samples().getOrDefault(key, 0.0);
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                counts.merge(bound, e.getValue() - was, Double::sum);
            }
            double total = counts.isEmpty() ? 0 : counts.lastEntry().getValue();
            if (total <= 0) {
                return Double.NaN;
            }
            for (Map.Entry<Double, Double> bucket : counts.entrySet()) { // cumulative, by upper bound
                if (bucket.getValue() >= q * total) {
                    return bucket.getKey() * 1000;
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        boolean has(String name) {
            for (String key : samples.keySet()) {
                if (key.equals(name) || key.startsWith(name + "{")) {
                    return true;
                }
            }
            return false;
        }
    }

    static Scrape scrape(String baseUrl) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "text/plain").GET().build();
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Scrape(Map.of(), false);
            }
            return new Scrape(parse(response.body()), true);
        } catch (IOException e) {
            return new Scrape(Map.of(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(Map.of(), false);
        }
    }

    /** Keeps the {@code manchete_*} samples, without histogram buckets but those of page and upstream durations. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith("manchete_")
                    || (line.contains("_bucket{") && !line.startsWith(PAGE_BUCKETS + "{")
                    && !line.startsWith(FRAGMENT_BUCKETS + "{"))) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String labels = m.group(2) == null ? "" : canonical(m.group(2));
            try {
                samples.merge(m.group(1) + labels, Double.parseDouble(m.group(3)), Double::sum);
            } catch (NumberFormatException ignored) {
                // NaN and friends: not a counter we read
            }
        }
        return samples;
    }

    private static String canonical(String braces) {
        Map<String, String> labels = new java.util.TreeMap<>(labels(braces));
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("{");
        labels.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
        return out.append('}').toString();
    }

    static Map<String, String> labels(String key) {
        Map<String, String> labels = new LinkedHashMap<>();
        int brace = key.indexOf('{');
        if (brace < 0) {
            return labels;
        }
        Matcher m = LABEL.matcher(key.substring(brace));
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }
}
