package io.manchete.comments.domain;

import io.manchete.comments.store.CommentStore;
import io.manchete.comments.store.CommentStore.BatchOutcome;
import io.manchete.comments.store.CommentStore.Draft;
import io.manchete.comments.store.CommentStore.Stored;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The linger of the group commit, against a store that records the batches it is given (the database
 * side is {@code GroupCommitTest}'s): posts a moment apart share statements, a lone post and a full
 * batch never wait, and a linger of zero never waits.
 */
class PostBatcherTest {
    private Vertx vertx;
    private final List<Integer> statements = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    /** Stores nothing: answers every draft as created after {@code millis}, like a statement's round trip. */
    private final class RecordingStore extends CommentStore {
        private final long millis;

        RecordingStore(long millis) {
            super(null, null);
            this.millis = millis;
        }

        @Override
        public Uni<BatchOutcome> insertBatch(List<Draft> drafts) {
            statements.add(drafts.size());
            List<Comment> created = new ArrayList<>();
            for (Draft draft : drafts) {
                Comment c = new Comment();
                c.id = ids.incrementAndGet();
                c.articleSlug = draft.slug();
                c.author = draft.author();
                c.body = draft.body();
                c.createdAt = draft.createdAt();
                created.add(c);
            }
            CompletableFuture<BatchOutcome> done = new CompletableFuture<>();
            vertx.setTimer(millis, id -> done.complete(new BatchOutcome(created, Map.of())));
            return Uni.createFrom().completionStage(done);
        }
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private PostBatcher batcher(long storeMillis, int maxBatch, Duration linger) {
        DistributionSummary sizes = DistributionSummary.builder("batch").register(new SimpleMeterRegistry());
        return new PostBatcher(vertx, new RecordingStore(storeMillis), (slug, comments) -> Uni.createFrom().voidItem(),
                maxBatch, linger, sizes);
    }

    /** Submits {@code count} posts from an event loop, one every {@code everyMillis} (0: all at once). */
    private List<CompletableFuture<Stored>> submit(PostBatcher batcher, int count, long everyMillis) {
        List<CompletableFuture<Stored>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(new CompletableFuture<>());
        }
        AtomicInteger next = new AtomicInteger();
        Runnable one = () -> {
            int i = next.getAndIncrement();
            if (i < count) {
                batcher.submit("slug-" + i % 3, new NewComment("Reader " + i, "post " + i), "key-" + i)
                        .subscribe().with(answers.get(i)::complete, answers.get(i)::completeExceptionally);
            }
        };
        if (everyMillis == 0) {
            vertx.runOnContext(ignored -> {
                for (int i = 0; i < count; i++) {
                    one.run();
                }
            });
        } else {
            vertx.setPeriodic(everyMillis, id -> {
                one.run();
                if (next.get() >= count) {
                    vertx.cancelTimer(id);
                }
            });
        }
        return answers;
    }

    private static void allStored(List<CompletableFuture<Stored>> answers, long withinSeconds) throws Exception {
        for (int i = 0; i < answers.size(); i++) {
            Stored stored = answers.get(i).get(withinSeconds, TimeUnit.SECONDS);
            assertTrue(stored.created());
            assertEquals("post " + i, stored.comment().body);
        }
    }

    @Test
    void postsAMomentApartShareStatementsWhileTheyKeepComing() throws Exception {
        List<CompletableFuture<Stored>> answers = submit(batcher(1, 100, Duration.ofMillis(50)), 60, 2);
        allStored(answers, 10);
        assertEquals(60, statements.stream().mapToInt(Integer::intValue).sum());
        // the first few go alone until the average gap falls under the linger; then ~25 per statement
        assertTrue(statements.size() <= 12, "60 posts 2 ms apart took " + statements.size() + " statements: " + statements);
    }

    @Test
    void withoutALingerOnlyPostsThatArriveDuringAStatementShareTheNext() throws Exception {
        List<CompletableFuture<Stored>> answers = submit(batcher(1, 100, Duration.ZERO), 60, 2);
        allStored(answers, 10);
        // each statement (1 ms) ends before the next post (2 ms later) comes: nearly every post goes alone
        assertTrue(statements.size() >= 20, "60 posts 2 ms apart took " + statements.size() + " statements: " + statements);
    }

    @Test
    void aLonePostNeverWaitsForCompanions() throws Exception {
        PostBatcher batcher = batcher(1, 100, Duration.ofSeconds(30));
        allStored(submit(batcher, 1, 0), 10);
        // posts far apart: still no wait, each goes alone
        Thread.sleep(100);
        CompletableFuture<Stored> second = new CompletableFuture<>();
        vertx.runOnContext(ignored -> batcher.submit("slug-x", new NewComment("Bo", "second"), null)
                .subscribe().with(second::complete, second::completeExceptionally));
        assertEquals("second", second.get(10, TimeUnit.SECONDS).comment().body);
        assertEquals(List.of(1, 1), statements);
    }

    @Test
    void theFirstPostAfterAPauseDoesNotWait() throws Exception {
        PostBatcher batcher = batcher(1, 100, Duration.ofSeconds(2));
        // a burst: the average gap falls far under the linger, the last ones linger together
        allStored(submit(batcher, 12, 0), 10);
        int afterBurst = statements.size();
        Thread.sleep(4_200); // a pause of more than twice the linger
        long started = System.nanoTime();
        CompletableFuture<Stored> lone = new CompletableFuture<>();
        vertx.runOnContext(ignored -> batcher.submit("slug-x", new NewComment("Bo", "after the pause"), null)
                .subscribe().with(lone::complete, lone::completeExceptionally));
        assertEquals("after the pause", lone.get(10, TimeUnit.SECONDS).comment().body);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(afterBurst + 1, statements.size());
        assertTrue(tookMillis < 1_500, "the post waited " + tookMillis + " ms, as if for companions (linger 2 s)");
    }

    @Test
    void aFullBatchGoesAtOnceWhateverTheLinger() throws Exception {
        // the first post goes alone; the ten that queue behind its slow statement leave as two full batches
        List<CompletableFuture<Stored>> answers = submit(batcher(50, 5, Duration.ofSeconds(30)), 11, 0);
        allStored(answers, 10);
        assertEquals(List.of(1, 5, 5), statements);
    }
}
