package io.manchete.launcher.bench;

import io.manchete.launcher.DemoData;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The editor of scenario (c): once a second, GET an article from content-service for its version
 * ({@code ETag}), then PUT it back edited with {@code If-Match}. Articles are taken in popularity order
 * (the top 50 in turn), because those are the ones newsrooms update; each edit moves the summary's
 * "(update n)" marker, so the text stays the demo text plus a few characters.
 */
final class Editor implements AutoCloseable {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String contentUrl;
    private final String token;
    private final List<DemoData.Article> articles;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-editor");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Integer> outcomes = Collections.synchronizedMap(new TreeMap<>());
    private final List<Double> latenciesMs = Collections.synchronizedList(new ArrayList<>());
    private int next;

    Editor(String contentUrl, String token, List<DemoData.Article> byPopularity) {
        this.contentUrl = contentUrl;
        this.token = token;
        this.articles = byPopularity.subList(0, Math.min(50, byPopularity.size()));
    }

    void start() {
        timer.scheduleAtFixedRate(this::editOne, 0, 1, TimeUnit.SECONDS);
    }

    private void editOne() {
        DemoData.Article a = articles.get(next++ % articles.size());
        long t0 = System.nanoTime();
        String outcome;
        try {
            String url = contentUrl + "/api/v1/articles/" + URLEncoder.encode(a.slug(), StandardCharsets.UTF_8);
            HttpResponse<String> current = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String etag = current.headers().firstValue("ETag").orElse(null);
            if (current.statusCode() != 200 || etag == null) {
                outcome = "GET " + current.statusCode();
            } else {
                String body = "{\"slug\":" + Json.quote(a.slug()) + ",\"section\":" + Json.quote(a.section())
                        + ",\"title\":" + Json.quote(a.title())
                        + ",\"summary\":" + Json.quote(a.summary() + " (update " + next + ")")
                        + ",\"body\":" + Json.quote(a.body()) + ",\"author\":" + Json.quote(a.author()) + "}";
                HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token)
                        .header("If-Match", etag).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                outcome = "PUT " + put.statusCode();
            }
        } catch (IOException e) {
            outcome = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            outcome = e.getClass().getSimpleName();
        }
        latenciesMs.add((System.nanoTime() - t0) / 1e6);
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /** Stops the timer (an edit in flight finishes) and tells what happened. */
    Map<String, Object> stop() {
        timer.shutdown();
        try {
            timer.awaitTermination(12, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        int attempts;
        int ok;
        synchronized (outcomes) {
            attempts = outcomes.values().stream().mapToInt(Integer::intValue).sum();
            ok = outcomes.getOrDefault("PUT 200", 0);
            summary.put("attempts", attempts);
            summary.put("ok", ok);
            summary.put("failed", attempts - ok);
            summary.put("outcomes", new TreeMap<>(outcomes));
        }
        synchronized (latenciesMs) {
            List<Double> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            summary.put("p50Ms", sorted.isEmpty() ? null : sorted.get(sorted.size() / 2));
            summary.put("maxMs", sorted.isEmpty() ? null : sorted.get(sorted.size() - 1));
        }
        return summary;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
