package io.manchete.comments.api;

import io.manchete.comments.cache.CommentsCache;
import io.manchete.comments.domain.FirstPageState;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static io.manchete.comments.api.Api.MODERATOR;
import static io.manchete.comments.api.Api.atOnce;
import static io.manchete.comments.api.Api.dbQueries;
import static io.manchete.comments.api.Api.fragment;
import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.metric;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The refresh after posts merges them into the structured first page kept in Infinispan instead of
 * reading the database, and the cached first page and count stay exactly what the database holds.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class CachedFirstPageTest {
    @Inject
    RemoteCacheManager infinispan;

    @Inject
    CommentsCache cache;

    @Inject
    Pool pool;

    private RemoteCache<String, String> remote(String name) {
        return infinispan.getCache(name);
    }

    private static long postOk(String slug, String body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("author", "Reader", "body", body))
                .post("/api/v1/articles/{slug}/comments", slug)
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static void hide(long id) {
        given().header("Authorization", "Bearer " + MODERATOR).post("/api/v1/comments/{id}/hide", id).then().statusCode(200);
    }

    private static double refreshes(String source) {
        return metric("manchete_comments_refreshes_total", "source=\"" + source + "\"");
    }

    private long visibleInDatabase(String slug) {
        return pool.preparedQuery("SELECT count(*) FROM comment WHERE article_slug = $1 AND status = 'VISIBLE'")
                .execute(Tuple.of(slug)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    /** The cached first page and count equal a fresh rendering from the database. */
    private void assertCacheMatchesDatabase(String slug) {
        String cachedHtml = remote(CommentsCache.FRAGMENTS).get(slug);
        String cachedCount = remote(CommentsCache.COUNTS).get(slug);
        FirstPageState cachedPage = FirstPageState.decode(remote(CommentsCache.PAGES).get(slug));
        assertNotNull(cachedHtml, "a first page is cached");
        assertNotNull(cachedPage, "a structured first page is cached");
        long inDatabase = visibleInDatabase(slug);
        assertEquals(Long.toString(inDatabase), cachedCount, "cached count");
        assertEquals(inDatabase, cachedPage.count(), "count of the structured page");

        remote(CommentsCache.FRAGMENTS).remove(slug);
        remote(CommentsCache.COUNTS).remove(slug);
        remote(CommentsCache.PAGES).remove(slug);
        String fromDatabase = fragment(slug, "world");
        assertTrue(fromDatabase.contains(cachedHtml), "the cached first page is what the database shows:\ncached:\n"
                + cachedHtml + "\nfrom the database:\n" + fromDatabase);
        assertEquals(cachedHtml, remote(CommentsCache.FRAGMENTS).get(slug));
        FirstPageState filled = FirstPageState.decode(remote(CommentsCache.PAGES).get(slug));
        assertNotNull(filled, "a read from the database fills the structured page too");
        assertEquals(cachedPage.items(), filled.items());
        assertEquals(cachedPage.count(), filled.count());
    }

    @Test
    void aPostIsMergedIntoTheCachedPageWithoutReadingTheDatabase() {
        String slug = freshSlug("merge");
        double read = refreshes("database");
        postOk(slug, "first"); // nothing cached yet: this refresh reads the database
        assertEquals(read + 1, refreshes("database"));
        assertNotNull(remote(CommentsCache.PAGES).get(slug));

        double merged = refreshes("cache");
        double statements = dbQueries();
        long id = postOk(slug, "second");
        assertEquals(statements + 1, dbQueries(), "only the insert: the refresh sent no SELECT");
        assertEquals(merged + 1, refreshes("cache"));

        double hits = Api.fragmentHits();
        String html = fragment(slug, "world");
        assertEquals(hits + 1, Api.fragmentHits(), "served from the cache");
        assertTrue(html.contains("<h2>2 comments</h2>"), html);
        assertTrue(html.contains("id=\"comment-" + id + "\""), html);
        assertTrue(html.indexOf("second") < html.indexOf("first"), "newest first");
        assertCacheMatchesDatabase(slug);
    }

    @Test
    void aFragmentReadFillsTheStructuredPageSoTheNextPostNeedsNoRead() {
        String slug = freshSlug("fill");
        postOk(slug, "before the caches");
        remote(CommentsCache.FRAGMENTS).remove(slug);
        remote(CommentsCache.COUNTS).remove(slug);
        remote(CommentsCache.PAGES).remove(slug);
        fragment(slug, "world"); // a miss: read from the database, fills both
        assertNotNull(remote(CommentsCache.PAGES).get(slug));

        double statements = dbQueries();
        postOk(slug, "after the fill");
        assertEquals(statements + 1, dbQueries());
        assertCacheMatchesDatabase(slug);
    }

    @Test
    void afterConcurrentPostsAndInterleavedHidesTheCacheHoldsWhatTheDatabaseHolds() throws Exception {
        String slug = freshSlug("interleaved");
        List<Long> ids = new ArrayList<>();
        ids.add(postOk(slug, "opening comment"));
        List<Callable<Long>> posts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String body = "comment " + i;
            posts.add(() -> postOk(slug, body));
        }
        ids.addAll(atOnce(posts));
        assertCacheMatchesDatabase(slug);

        // hides of comments on the first page and beyond it, while more posts arrive
        List<Callable<Long>> mixed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String body = "later " + i;
            mixed.add(() -> postOk(slug, body));
        }
        for (long hidden : List.of(ids.get(0), ids.get(5), ids.get(ids.size() - 1), ids.get(ids.size() - 2))) {
            mixed.add(() -> {
                hide(hidden);
                return hidden;
            });
        }
        atOnce(mixed);
        assertCacheMatchesDatabase(slug);
        String html = remote(CommentsCache.FRAGMENTS).get(slug);
        assertFalse(html.contains("id=\"comment-" + ids.get(ids.size() - 1) + "\""), "a hidden comment is not shown");

        // and posts after the hides merge into the re-read page
        double statements = dbQueries();
        postOk(slug, "after the hides");
        assertEquals(statements + 1, dbQueries());
        assertCacheMatchesDatabase(slug);
        assertEquals(1 + 30 + 12 + 1 - 4, visibleInDatabase(slug));
    }

    @Test
    void aWriterThatLostARaceLearnsItAndOverwritesNothing() {
        String slug = freshSlug("race");
        postOk(slug, "seed");
        CommentsCache.Entries read = cache.entries(slug).await().atMost(Duration.ofSeconds(5));
        assertNotNull(read);
        assertNotNull(read.page().value());

        // another replica writes the structured page meanwhile
        String other = FirstPageState.decode(read.page().value()).encode().replace("\"count\":1", "\"count\":7");
        remote(CommentsCache.PAGES).put(slug, other);
        assertEquals(CommentsCache.Written.RACE_LOST,
                cache.write(slug, read, read.page().value(), "<h2>stale</h2>", 1).await().atMost(Duration.ofSeconds(5)));
        assertEquals(other, remote(CommentsCache.PAGES).get(slug), "the other writer's page stays");
        assertFalse(remote(CommentsCache.FRAGMENTS).get(slug).contains("stale"));

        // a writer that read after it wins
        CommentsCache.Entries again = cache.entries(slug).await().atMost(Duration.ofSeconds(5));
        assertEquals(CommentsCache.Written.DONE,
                cache.write(slug, again, read.page().value(), again.fragment().value(), 1).await().atMost(Duration.ofSeconds(5)));
        assertCacheMatchesDatabase(slug);
    }

    @Test
    void aMissingStructuredPageIsReadOnceFromTheDatabase() {
        String slug = freshSlug("race-post");
        postOk(slug, "seed");
        // expired or evicted: the refresh reads count and first page, then writes the structured page again
        remote(CommentsCache.PAGES).remove(slug);
        double read = refreshes("database");
        double statements = dbQueries();
        postOk(slug, "second");
        assertEquals(read + 1, refreshes("database"), "no structured page: read the database once");
        assertEquals(statements + 2, dbQueries(), "the insert and one read (count and page in one statement)");
        assertCacheMatchesDatabase(slug);
    }
}
