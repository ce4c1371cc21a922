package io.manchete.comments.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.manchete.comments.api.Api.count;
import static io.manchete.comments.api.Api.dbQueries;
import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code manchete.comments.batch.linger} at work against PostgreSQL: posts that come one after another,
 * never two at once, share statements while they keep coming. The linger is set long here (400 ms,
 * posts 25 ms apart) so that a cold test JVM, slow to store a post, cannot batch them by itself.
 */
@QuarkusTest
@TestProfile(LingerTest.LongLinger.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "database", value = "comments"))
class LingerTest {
    public static class LongLinger implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("manchete.comments.batch.linger", "PT0.4S");
        }
    }

    @TestHTTPResource("/")
    URI base;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpRequest post(String slug, String body) {
        return HttpRequest.newBuilder(base.resolve("/api/v1/articles/" + slug + "/comments"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"author\":\"Reader\",\"body\":\"" + body + "\"}"))
                .build();
    }

    @Test
    void postsThatKeepComingShareStatementsAndALonePostDoesNotWait() throws Exception {
        List<String> slugs = List.of(freshSlug("linger-a"), freshSlug("linger-b"));
        double loneBefore = metric("manchete_comments_batch_posts_count");
        for (String slug : slugs) { // one post at a time, far apart: no companion is expected, each goes alone
            HttpResponse<String> first = client.send(post(slug, "first of " + slug), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, first.statusCode(), first.body());
            Thread.sleep(900);
        }
        assertEquals(2, metric("manchete_comments_batch_posts_count") - loneBefore);

        int posts = 24;
        double statementsBefore = dbQueries();
        double batchesBefore = metric("manchete_comments_batch_posts_count");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < posts; i++) {
            answers.add(new CompletableFuture<>());
        }
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < posts; i++) {
                int n = i;
                clock.schedule(() -> client.sendAsync(post(slugs.get(n % 2), "paced " + n), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                answers.get(n).completeExceptionally(e);
                            } else {
                                answers.get(n).complete(r);
                            }
                        }), 25L * i, TimeUnit.MILLISECONDS);
            }
            for (int i = 0; i < posts; i++) {
                HttpResponse<String> r = answers.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(201, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"paced " + i + "\""), r.body());
            }
        } finally {
            clock.shutdownNow();
        }
        double statements = dbQueries() - statementsBefore;
        double batches = metric("manchete_comments_batch_posts_count") - batchesBefore;
        for (String slug : slugs) {
            assertEquals(1 + posts / 2, count(slug), "every post is stored and counted once");
        }
        System.out.printf("[LingerTest] %d posts 25 ms apart: %.0f batches, %.0f statements%n", posts, batches, statements);
        // the first ones go alone until the average gap falls under the linger, then ~16 per batch
        assertTrue(batches <= 8, batches + " batches for " + posts + " posts");
        assertTrue(statements <= 10, statements + " statements for " + posts + " posts");
    }
}
