package io.manchete.gateway.web;

import io.manchete.gateway.cache.FragmentCache;
import io.manchete.gateway.cache.Part;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fragment the near cache holds is decoded once: every page built from it (each rebuild after a
 * post reads the same layout, article and teasers) gets the same body text, not a copy decoded anew,
 * and a changed fragment is read anew.
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class FragmentDecodingTest {

    @Inject
    FragmentCache fragments;

    @BeforeEach
    void reset() {
        Gateway.fresh();
    }

    private Part main(String slug) {
        return fragments.get(Upstream.CONTENT, "main", "/fragments/article/" + slug).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aCachedFragmentIsDecodedOnceAndAChangedOneAnew() {
        String slug = Gateway.newStory();
        assertTrue(main(slug).result().body().contains("<p>Body of " + slug + "</p>"));
        // stored, then kept by the near cache at its first read: from then on the same text each time
        AtomicReference<String> previous = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            String body = main(slug).result().body();
            return body == previous.getAndSet(body);
        });
        Part again = main(slug);
        assertTrue(again.result().body() == previous.get(), "decoded again although the near cache held the same bytes");
        assertEquals(1, Stubs.requests("content", "GET", "/fragments/article/" + slug).size());

        // another body under the same key (the caches cleared): read and decoded anew
        Gateway.fresh();
        Stubs.on("content", "/fragments/article/" + slug).status(200, "<p>Edited " + slug + "</p>")
                .header("Surrogate-Key", "article:" + slug).header("Cache-Control", "max-age=300").install();
        Part edited = main(slug);
        assertEquals("<p>Edited " + slug + "</p>", edited.result().body());
        assertTrue(edited.result().body() != previous.get());
    }
}
