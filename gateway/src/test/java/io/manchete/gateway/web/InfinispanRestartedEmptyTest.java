package io.manchete.gateway.web;

import io.manchete.gateway.cache.NearCacheChanges;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #4, "when the part returns, normal service resumes by itself within 10 s": Infinispan killed
 * with kill -9, its data deleted and started again, so it knows none of the gateway's caches, while
 * readers keep asking for pages. The page cache answers hits again within seconds of the server being
 * up — not after 10 to 45 s, or never, as when the gateway's requests kept calling the lost caches and
 * backed up its one Hot Rod connection so that creating them again did not get through. Runs just
 * before {@link InfinispanDownTest} (both restart the shared server).
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
@Order(Integer.MAX_VALUE - 1)
class InfinispanRestartedEmptyTest {
    /** Well under the 10 s. */
    static final Duration HITS_AGAIN_WITHIN = Duration.ofSeconds(8);
    static final int READERS = 8;

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void thePageCacheAnswersHitsAgainWithinSecondsOfAnEmptyRestart() throws Exception {
        InfinispanServer infinispan = RealInfrastructure.infinispan();
        assertNotNull(infinispan, "the test resource starts an Infinispan Server");
        Gateway.fresh();
        List<String> pages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pages.add("/world/" + Gateway.newStory());
        }
        for (String page : pages) {
            given().get(page).then().statusCode(200);
            given().get(page).then().statusCode(200).header("Cache-Status", org.hamcrest.Matchers.startsWith("Manchete; hit"));
        }

        AtomicBoolean reading = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int r = 0; r < READERS; r++) {
            int offset = r;
            Thread reader = new Thread(() -> {
                for (int n = offset; reading.get(); n++) {
                    String page = pages.get(n % pages.size());
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(gateway + page.substring(1)))
                                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            failures.add(page + " " + response.statusCode());
                        }
                    } catch (IOException e) {
                        failures.add(page + " " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "reader-" + r);
            reader.start();
            readers.add(reader);
        }
        double seconds;
        try {
            // as ChaosIT.killInfinispanAndStartAnEmptyOne: a replacement server without the old one's data
            infinispan.killAndWipe();
            // Hot Rod's near caches answer nothing while their listeners are gone: neither may the
            // pages and tag versions this gateway remembers having read there (NearCacheChanges)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !NearCacheChanges.PAGES.usable() && !NearCacheChanges.TAGS.usable());
            Thread.sleep(1000);
            infinispan.start();
            long up = System.nanoTime();
            String page = pages.get(0);
            boolean hit = false;
            while (!hit && System.nanoTime() - up < HITS_AGAIN_WITHIN.toNanos()) {
                given().get(page).then().statusCode(200);
                hit = given().get(page).then().statusCode(200).extract().header("Cache-Status").startsWith("Manchete; hit");
                if (!hit) {
                    Thread.sleep(100);
                }
            }
            seconds = (System.nanoTime() - up) / 1e9;
            assertTrue(hit, "the page cache answers no hits " + HITS_AGAIN_WITHIN.toSeconds()
                    + " s after Infinispan was up again, empty");
        } finally {
            reading.set(false);
            for (Thread reader : readers) {
                reader.join(10_000);
            }
        }
        long back = System.nanoTime();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> NearCacheChanges.PAGES.usable() && NearCacheChanges.TAGS.usable());
        System.out.printf("near-cache listeners back %.1f s later%n", (System.nanoTime() - back) / 1e9);
        System.out.printf("page cache hits again %.1f s after the empty Infinispan was up%n", seconds);
        assertTrue(failures.isEmpty(), "readers got no page: " + failures);
    }
}
