package io.manchete.gateway.web;

import io.manchete.gateway.cache.CacheEntry;
import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.gateway.cache.NearCacheChanges;
import io.manchete.gateway.cache.TagVersions;
import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page cache, the fragment cache and active expiration against a real Infinispan Server and the
 * stub upstreams: what is stored, what is fetched again, what a purge does.
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class PageCacheTest {
    static final String ARTICLE_LAYOUT = "/api/v1/layouts/article/world";

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    static int fetched(String service, String uriPrefix) {
        return Stubs.requests(service, "GET", uriPrefix).size();
    }

    /** Layout, article body and comments each fetched exactly this often. */
    static void assertFetches(String slug, int layout, int article, int comments) {
        assertEquals(layout, fetched("page", ARTICLE_LAYOUT), "layout fetches");
        assertEquals(article, fetched("content", "/fragments/article/" + slug), "article fetches");
        assertEquals(comments, fetched("comments", "/fragments/comments/" + slug), "comments fetches");
    }

    static void articleAnswers(String slug, String body, String cacheControl) {
        Stubs.on("content", "/fragments/article/" + slug).status(200, body)
                .header("Content-Type", "text/html;charset=UTF-8")
                .header("Cache-Control", cacheControl)
                .header("Surrogate-Key", "article:" + slug + " section:world")
                .header("Fragment-Title", "Changed").install();
    }

    static void commentsAnswer(String slug, String body) {
        Stubs.on("comments", "/fragments/comments/" + slug).status(200, body)
                .header("Content-Type", "text/html;charset=UTF-8")
                .header("Cache-Control", StubUpstreams.cacheControl(45))
                .header("Surrogate-Key", "comments:" + slug).install();
    }

    @Test
    void coldPageIsAMissThenAHitWithoutAnyUpstreamCall() {
        String slug = Gateway.newStory();
        double hitsBefore = Gateway.metric("manchete_page_cache_total{result=\"hit\"}");
        Response miss = given().get("/world/" + slug);
        miss.then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored")
                .header("Age", "0")
                .header("Surrogate-Control", "max-age=45")
                .header("Server-Timing", startsWith("cache;desc=\"miss\", layout;dur="));
        assertFetches(slug, 1, 1, 1);

        Response hit = given().get("/world/" + slug);
        hit.then().statusCode(200)
                .header("Content-Type", "text/html;charset=UTF-8")
                .header("Cache-Status", startsWith("Manchete; hit; ttl=4"))
                .header("Server-Timing", "cache;desc=\"hit\"")
                .header("ETag", miss.header("ETag"))
                .header("Surrogate-Key", miss.header("Surrogate-Key"))
                .header("Age", not(emptyString()))
                .header("Surrogate-Control", startsWith("max-age=4"))
                .header("Cache-Control", startsWith("public, max-age="));
        assertEquals(miss.asString(), hit.asString());
        assertFetches(slug, 1, 1, 1);
        assertEquals(hitsBefore + 1, Gateway.metric("manchete_page_cache_total{result=\"hit\"}"));
        // Age and max-age: a downstream cache keeps it max-age - Age more seconds (at most 30 for browsers)
        long age = Long.parseLong(hit.header("Age"));
        long maxAge = Long.parseLong(hit.header("Cache-Control").replace("public, max-age=", ""));
        assertEquals(30, maxAge - age);
    }

    @Test
    void hotPageAndItsTagVersionsAreReadFromTheNearCache() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().header("Cache-Status", "Manchete; fwd=miss; stored");
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        GatewayCaches caches = Arc.container().instance(GatewayCaches.class).get();
        // a near-cache hit: getAsync answers at once from local memory, no Hot Rod round trip
        assertTrue(caches.pages().getAsync("page1 article /world/" + slug).isDone(), "page in the near cache");
        for (String tag : List.of("shell", "section:world", "article:" + slug, "comments:" + slug)) {
            assertTrue(caches.tags().getAsync(tag).isDone(), tag + " version in the near cache");
        }
        // the near cache hands every reader the same array, so a hit decodes the entry once
        String key = "page1 article /world/" + slug;
        byte[] raw = caches.pages().getAsync(key).join();
        assertTrue(raw == caches.pages().getAsync(key).join(), "the same array each time");
        PageDelivery delivery = Arc.container().instance(PageDelivery.class).get();
        CacheEntry entry = delivery.entry(key);
        assertTrue(entry.encoded() == raw && delivery.entry(key) == entry, "decoded once");
        // and while nothing changed in the near caches since, a hit reads neither the page nor its
        // tag versions (NearCacheChanges)
        TagVersions versions = Arc.container().instance(TagVersions.class).get();
        assertTrue(NearCacheChanges.TAGS.usable(), "the tag versions' near cache is counted and watched");
        assertTrue(NearCacheChanges.PAGES.usable(), "the pages' near cache is counted and watched");
        assertTrue(delivery.knownUnread(key), "the page is known under the current stamp");
        assertTrue(versions.knownCurrent(entry), "the hit left its stamp");
    }

    @Test
    void aPurgeByAnotherReplicaVoidsTheStampOfTheHitsBeforeIt() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        PageDelivery delivery = Arc.container().instance(PageDelivery.class).get();
        TagVersions versions = Arc.container().instance(TagVersions.class).get();
        String key = "page1 article /world/" + slug;
        CacheEntry hit = delivery.entry(key);
        assertTrue(versions.knownCurrent(hit));
        articleAnswers(slug, "<p>Corrected elsewhere</p>", StubUpstreams.cacheControl(60));
        try (OtherReplica replica = new OtherReplica()) {
            replica.purge("article:" + slug);
            // only the server's invalidation tells this gateway: it must void the stamp
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> !versions.knownCurrent(hit));
        }
        given().get("/world/" + slug).then().header("Cache-Status", containsString("detail=purged"))
                .body(containsString("<p>Corrected elsewhere</p>"));
    }

    @Test
    void aPageStoredByAnotherReplicaVoidsTheKnownEntry() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        PageDelivery delivery = Arc.container().instance(PageDelivery.class).get();
        String key = "page1 article /world/" + slug;
        assertTrue(delivery.knownUnread(key), "hits read no cache");
        CacheEntry hit = delivery.entry(key);
        byte[] other = CacheEntry.create(200, System.currentTimeMillis(), 60, 0, 0, "text/html;charset=UTF-8", null, null,
                java.util.Map.of(), "<p>Stored elsewhere</p>".getBytes(java.nio.charset.StandardCharsets.UTF_8)).encoded();
        try (OtherReplica replica = new OtherReplica()) {
            replica.pages().put(key, other);
            // only the server's invalidation tells this gateway: the known entry must be dropped
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> !delivery.knownUnread(key));
        }
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"))
                .body(containsString("<p>Stored elsewhere</p>"));
        assertTrue(delivery.entry(key) != hit, "the new page is another entry");
    }

    @Test
    void hitAnswersIfNoneMatchWith304() {
        String slug = Gateway.newStory();
        String etag = given().get("/world/" + slug).then().statusCode(200).extract().header("ETag");
        given().header("If-None-Match", etag).get("/world/" + slug).then()
                .statusCode(304)
                .header("Cache-Status", startsWith("Manchete; hit"))
                .header("ETag", etag)
                .body(emptyString());
        assertFetches(slug, 1, 1, 1);
    }

    @Test
    void concurrentRequestsForAColdPageCauseOneAssembly() throws Exception {
        String slug = Gateway.newStory();
        // slow enough that every request arrives while the one assembly is running
        Stubs.on("page", ARTICLE_LAYOUT).delay(300).install();
        Stubs.on("content", "/fragments/article/" + slug).delay(400).install();
        double coalescedBefore = Gateway.metric("manchete_page_cache_total{result=\"coalesced\"}");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = gateway.toURI().resolve("/world/" + slug);
        int concurrent = 120;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> etags = new HashSet<>();
        int stored = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertEquals(200, response.statusCode(), response.body());
            etags.add(response.headers().firstValue("ETag").orElseThrow());
            String status = response.headers().firstValue("Cache-Status").orElseThrow();
            if (status.equals("Manchete; fwd=miss; stored")) {
                stored++;
            } else {
                assertTrue(status.equals("Manchete; fwd=miss; collapsed") || status.startsWith("Manchete; hit"), status);
            }
        }
        assertEquals(1, etags.size(), "everyone got the same page");
        assertEquals(1, stored, "one request built and stored the page");
        assertFetches(slug, 1, 1, 1);
        assertTrue(Gateway.metric("manchete_page_cache_total{result=\"coalesced\"}") > coalescedBefore);
    }

    @Test
    void trackingParametersShareAnEntryRealParametersDoNot() {
        String slug = Gateway.newStory();
        String path = "/world/" + slug;
        given().get(path + "?utm_source=news&fbclid=abc").then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored");
        given().get(path).then().header("Cache-Status", startsWith("Manchete; hit"));
        given().get(path + "?gclid=1&UTM_Medium=x&ref=home&mc_cid=2&_ga=3").then()
                .header("Cache-Status", startsWith("Manchete; hit"));

        given().get(path + "?b=2&a=1").then().header("Cache-Status", "Manchete; fwd=miss; stored");
        given().get(path + "?a=1&utm_campaign=spring&b=2").then().header("Cache-Status", startsWith("Manchete; hit"));
        given().get(path + "?a=2&b=2").then().header("Cache-Status", "Manchete; fwd=miss; stored");
        // three pages stored, all from one fetch of each fragment (the fragment cache)
        assertFetches(slug, 1, 1, 1);
    }

    @Test
    void privateOrNoStorePrimaryFragmentIsNeverCached() {
        for (String cacheControl : List.of("private, max-age=60", "no-store")) {
            String slug = Gateway.newStory();
            articleAnswers(slug, "<p>personal</p>", cacheControl);
            for (int i = 0; i < 2; i++) {
                given().get("/world/" + slug).then().statusCode(200)
                        .header("Cache-Status", "Manchete; fwd=miss")
                        .header("Cache-Control", "no-store")
                        .header("Surrogate-Control", nullValue())
                        .body(containsString("<p>personal</p>"));
            }
            assertEquals(2, fetched("content", "/fragments/article/" + slug), cacheControl);
            assertEquals(1, fetched("comments", "/fragments/comments/" + slug), cacheControl);
        }
    }

    @Test
    void aFragmentSettingACookieIsNeverCached() {
        String slug = Gateway.newStory();
        Stubs.on("comments", "/fragments/comments/" + slug).header("Set-Cookie", "seen=1; Path=/").install();
        for (int i = 0; i < 2; i++) {
            given().get("/world/" + slug).then().statusCode(200)
                    .header("Cache-Status", "Manchete; fwd=miss")
                    .header("Cache-Control", "no-store")
                    .header("Set-Cookie", nullValue());
        }
        assertFetches(slug, 1, 1, 2);
    }

    @Test
    void notFoundIsCachedBrieflyUnavailableNever() throws InterruptedException {
        String missing = "no-such-" + Gateway.newStory();
        given().get("/world/" + missing).then().statusCode(404)
                .header("Cache-Status", "Manchete; fwd=miss; stored")
                .header("Cache-Control", "public, max-age=10");
        given().get("/world/" + missing).then().statusCode(404)
                .header("Cache-Status", startsWith("Manchete; hit"))
                .body(containsString("Page not found"));
        assertEquals(1, fetched("content", "/fragments/article/" + missing));

        String briefly = "no-such-" + Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + briefly).status(404, "<p>nope</p>")
                .header("Cache-Control", "public, max-age=1").install();
        given().get("/world/" + briefly).then().statusCode(404).header("Cache-Control", "public, max-age=1");
        Thread.sleep(1100);
        given().get("/world/" + briefly).then().statusCode(404).header("Cache-Status", startsWith("Manchete; fwd=miss; stored")); // expired (or already gone from Infinispan)
        assertEquals(2, fetched("content", "/fragments/article/" + briefly));

        String failing = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + failing).status(500, "boom").install();
        for (int i = 0; i < 2; i++) {
            given().get("/world/" + failing).then().statusCode(503)
                    .header("Cache-Status", "Manchete; fwd=miss")
                    .header("Cache-Control", "no-store");
        }
        assertEquals(2, fetched("content", "/fragments/article/" + failing));
    }

    @Test
    void purgedArticleIsRebuiltWithTheNewBodyFetchingOnlyTheArticle() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200).body(containsString("<p>Body of " + slug + "</p>"));
        articleAnswers(slug, "<p>Corrected body</p>", StubUpstreams.cacheControl(60));
        // not purged yet: still the cached page
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"))
                .body(containsString("<p>Body of " + slug + "</p>"));

        Gateway.purge("article:" + slug);
        given().get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored; detail=purged")
                .body(containsString("<p>Corrected body</p>"))
                .body(containsString("<title>Changed · Manchete</title>"))
                .body(not(containsString("Body of " + slug)));
        assertFetches(slug, 1, 2, 1);
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"))
                .body(containsString("<p>Corrected body</p>"));
        assertFetches(slug, 1, 2, 1);
    }

    @Test
    void purgedCommentsDoNotRefetchTheArticle() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200).body(containsString("<p>0 comments</p>"));
        commentsAnswer(slug, "<section class=\"comments\"><p>1 comment</p></section>");
        Gateway.purge("comments:" + slug);
        given().get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored; detail=purged")
                .body(containsString("<p>1 comment</p>"))
                .body(containsString("<p>Body of " + slug + "</p>"));
        assertFetches(slug, 1, 1, 2);
    }

    @Test
    void aPurgeRecordedByAnotherReplicaIsSeenWithinASecond() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        articleAnswers(slug, "<p>Edited elsewhere</p>", StubUpstreams.cacheControl(60));
        try (OtherReplica replica = new OtherReplica()) {
            replica.purge("article:" + slug);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    given().get("/world/" + slug).then().body(containsString("<p>Edited elsewhere</p>")));
        }
        assertFetches(slug, 1, 2, 1);
    }

    @Test
    void purgeOfAnotherTagLeavesThePageAlone() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        Gateway.purge("article:some-other-story", "section:politics");
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        assertFetches(slug, 1, 1, 1);
    }

    @Test
    void sectionPurgeRefetchesLayoutAndArticleButNotComments() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        Gateway.purge("section:world"); // on the layout and on the article fragment
        given().get("/world/" + slug).then().header("Cache-Status", "Manchete; fwd=miss; stored; detail=purged");
        assertFetches(slug, 2, 2, 1);
    }

    @Test
    void staleWhileRevalidateServesOnceStaleThenTheRefreshedPage() throws InterruptedException {
        String slug = Gateway.newStory();
        articleAnswers(slug, "<p>First</p>", "public, max-age=1, stale-while-revalidate=30");
        given().get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored")
                .header("Surrogate-Control", "max-age=1");
        articleAnswers(slug, "<p>Second</p>", "public, max-age=1, stale-while-revalidate=30");
        Thread.sleep(1100); // past the page's max-age of 1 s, inside its stale-while-revalidate

        given().get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", startsWith("Manchete; fwd=stale; ttl="))
                .header("Server-Timing", "cache;desc=\"stale\"")
                .body(containsString("<p>First</p>")); // at once, the stale copy
        await().atMost(Duration.ofSeconds(5))
                .until(() -> fetched("content", "/fragments/article/" + slug) == 2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> given().get("/world/" + slug).then()
                .header("Cache-Status", not(startsWith("Manchete; fwd=stale")))
                .body(containsString("<p>Second</p>")));
        // one background refresh: the layout and the comments were still fresh in the fragment cache
        assertEquals(1, fetched("page", ARTICLE_LAYOUT));
        assertEquals(1, fetched("comments", "/fragments/comments/" + slug));
    }

    @Test
    void whenTheRebuildOfAPurgedPageFailsTheLastGoodCopyIsServed() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then().statusCode(200);
        Stubs.on("content", "/fragments/article/" + slug).status(500, "boom").install();
        Gateway.purge("article:" + slug);
        // the article fragment's last good copy stands in: the page is rebuilt around it
        given().get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=miss; stored; detail=stale-if-error")
                .body(containsString("<p>Body of " + slug + "</p>"));
        // without that copy, the page's own last good copy is served
        String other = Gateway.newStory();
        given().get("/world/" + other).then().statusCode(200);
        Stubs.on("content", "/fragments/article/" + other).status(500, "boom").install();
        Arc.container().instance(GatewayCaches.class).get().fragments().remove("content /fragments/article/" + other);
        Gateway.purge("article:" + other);
        given().get("/world/" + other).then().statusCode(200)
                .header("Cache-Status", startsWith("Manchete; fwd=stale; fwd-status=503; ttl="))
                .header("Cache-Status", containsString("detail=stale-if-error"))
                .body(containsString("<p>Body of " + other + "</p>"));
        // a page never seen has no last good copy
        String unseen = Gateway.newStory();
        Stubs.on("content", "/fragments/article/" + unseen).status(500, "boom").install();
        given().get("/world/" + unseen).then().statusCode(503).header("Retry-After", "5");
    }

    @Test
    void requestsWithAuthorizationOrNoStoreBypassTheCache() {
        String slug = Gateway.newStory();
        given().header("Authorization", "Bearer someone").get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=bypass; detail=authorization");
        given().header("Cache-Control", "no-store").get("/world/" + slug).then().statusCode(200)
                .header("Cache-Status", "Manchete; fwd=bypass; detail=no-store");
        // neither was stored
        given().get("/world/" + slug).then().header("Cache-Status", "Manchete; fwd=miss; stored");
        // no-cache: built again (and stored), from fragments that are still current
        given().header("Cache-Control", "no-cache").get("/world/" + slug).then()
                .header("Cache-Status", "Manchete; fwd=request; stored");
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        assertFetches(slug, 1, 1, 1);
    }

    @Test
    void pageHeadersOnAMissAndMetrics() {
        String slug = Gateway.newStory();
        given().get("/world/" + slug).then()
                .header("Surrogate-Key", "shell section:world article:" + slug + " comments:" + slug);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("manchete_page_cache_total{result=\"miss\"}"), metrics);
        assertTrue(metrics.contains("manchete_fragment_cache_total{result=\"miss\"}"), metrics);
        given().get("/world/" + slug).then().header("Cache-Status", startsWith("Manchete; hit"));
        // layout from the fragment cache on another article page
        String other = Gateway.newStory();
        double fragmentHits = Gateway.metric("manchete_fragment_cache_total{result=\"hit\"}");
        given().get("/world/" + other).then().statusCode(200);
        assertNotEquals(fragmentHits, Gateway.metric("manchete_fragment_cache_total{result=\"hit\"}"));
        assertEquals(1, fetched("page", ARTICLE_LAYOUT));
    }
}
