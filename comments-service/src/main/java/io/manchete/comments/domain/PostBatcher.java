package io.manchete.comments.domain;

import io.manchete.comments.store.CommentStore;
import io.manchete.comments.store.CommentStore.BatchOutcome;
import io.manchete.comments.store.CommentStore.Draft;
import io.manchete.comments.store.CommentStore.Stored;
import io.manchete.comments.store.DbFailures;
import io.manchete.commons.reactive.OnContext;
import io.micrometer.core.instrument.DistributionSummary;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Group commit of posts. Posts queue up; while no batch is in flight the queue (up to
 * {@code maxBatch} posts) goes to PostgreSQL as one statement ({@link CommentStore#insertBatch}), and
 * posts that arrive meanwhile form the next batch.
 *
 * <p>Linger: while posts arrive faster than one per {@code linger} (a moving average of the time
 * between them), a batch waits until its oldest post has waited {@code linger}, or until it is full,
 * so that posts that come a moment apart share one statement, one commit and one cache refresh per
 * article. At low load no companion is expected and a post goes alone and at once, as does the first
 * post after a pause of twice the linger; a linger of zero turns the wait off (batches then form only
 * while one is in flight). Under a burst of comments this is what keeps PostgreSQL's commits per
 * second, and the service's Infinispan refreshes, a fraction of the posts per second, for at most
 * {@code linger} more per post.
 *
 * <p>A post is answered only after its batch committed and the article's cache entries were refreshed
 * with it ({@code afterCommit}, once per article and batch); a batch that fails fails every post in it,
 * and nothing in it was acknowledged. When PostgreSQL refused the statement (an error answer: the
 * statement rolled back, nothing of it is stored) a batch of several posts is sent again post by post,
 * so one post PostgreSQL refuses cannot fail the others. A broken connection is ambiguous (the commit
 * may have happened): every post fails, unreachable-database failures answer 503, and clients retry
 * with their key.
 *
 * <p>Idempotency keys: a post whose key is queued or in flight already does not go to the database; it
 * waits for that first post and answers the same comment as a repeat ({@code created} false). A key
 * taken in the table before is skipped by the statement and answered with the comment that holds it.
 *
 * <p>Contexts: a batch is sent on the Vert.x context of its first post, so its statements count for
 * that request; each post continues on its own context. Never blocks: a lingering batch waits on a
 * Vert.x timer.
 */
final class PostBatcher {
    private static final Logger LOG = Logger.getLogger(PostBatcher.class);
    /** A linger this close to its end is over: not worth a timer. */
    private static final long MIN_WAIT_NANOS = 200_000;

    private final CommentStore store;
    private final BiFunction<String, List<Comment>, Uni<Void>> afterCommit;
    private final int maxBatch;
    private final Vertx vertx;
    private final long lingerNanos;
    private final DistributionSummary batchSizes;
    /** Guarded by {@code this}: posts not sent yet, the unsettled post per key, and whether a batch is in flight. */
    private final ArrayDeque<Post> queue = new ArrayDeque<>();
    private final Map<String, Post> byKey = new HashMap<>();
    private boolean sending;
    /** Guarded by {@code this}: a linger timer is pending. */
    private boolean lingering;
    /** Guarded by {@code this}: when the last new post arrived, and the moving average of the time between posts. */
    private long lastArrival;
    private long gapEstimate;
    /** Guarded by {@code this}: the gap before the last new post, counted as at most twice the linger. */
    private long lastGap;

    private static final class Post {
        final Draft draft;
        final Context context;
        final long arrived;
        final CompletableFuture<Stored> done = new CompletableFuture<>();

        Post(Draft draft, Context context, long arrived) {
            this.draft = draft;
            this.context = context;
            this.arrived = arrived;
        }
    }

    /**
     * @param afterCommit refreshes an article's cache entries with comments a batch created; must not fail
     * @param linger      longest a batch waits for companions while posts come faster than one per linger; zero: never
     * @param batchSizes  records the number of posts of every statement sent
     */
    PostBatcher(Vertx vertx, CommentStore store, BiFunction<String, List<Comment>, Uni<Void>> afterCommit, int maxBatch,
                Duration linger, DistributionSummary batchSizes) {
        this.vertx = vertx;
        this.store = store;
        this.afterCommit = afterCommit;
        this.maxBatch = maxBatch;
        this.lingerNanos = Math.max(0, linger.toNanos());
        this.batchSizes = batchSizes;
        this.gapEstimate = 2 * lingerNanos;
    }

    /** Stores the post with the next batch; emits once it is committed and in the cache. */
    Uni<Stored> submit(String slug, NewComment comment, String key) {
        return Uni.createFrom().deferred(() -> {
            Post first;
            Post post = null;
            List<Post> batch = null;
            synchronized (this) {
                first = key == null ? null : byKey.get(key);
                if (first == null) {
                    long now = System.nanoTime();
                    post = new Post(new Draft(slug, comment.author(), comment.body(), Instant.now(), key), Vertx.currentContext(), now);
                    arrival(now);
                    queue.add(post);
                    if (key != null) {
                        byKey.put(key, post);
                    }
                    batch = due(now);
                }
            }
            CompletableFuture<Stored> answer;
            if (first != null) {
                answer = first.done.thenApply(stored -> new Stored(stored.comment(), false));
            } else {
                Post mine = post;
                if (key != null) {
                    mine.done.whenComplete((stored, failure) -> forget(key, mine));
                }
                answer = mine.done;
            }
            if (batch != null) {
                send(batch, true);
            }
            return OnContext.await(() -> answer);
        });
    }

    /**
     * Guarded by {@code this}. Updates the average time between posts; a gap counts as at most twice the
     * linger, so the average follows a burst within a few posts of its start.
     */
    private void arrival(long now) {
        if (lingerNanos == 0) {
            return;
        }
        long gap = lastArrival == 0 ? 2 * lingerNanos : Math.min(now - lastArrival, 2 * lingerNanos);
        lastArrival = now;
        lastGap = gap;
        gapEstimate += (gap - gapEstimate) / 4;
    }

    /**
     * Guarded by {@code this}. The batch to send now (the caller sends it), or null: one is in flight,
     * nothing is queued, or the queue lingers (a timer then calls {@link #sendDue}).
     */
    private List<Post> due(long now) {
        if (sending || queue.isEmpty()) {
            return null;
        }
        // no wait: none configured, a full batch, posts slower than one per linger, or a pause just ended
        long wait = lingerNanos == 0 || queue.size() >= maxBatch || gapEstimate >= lingerNanos || lastGap >= 2 * lingerNanos ? 0
                : queue.peek().arrived + lingerNanos - now;
        if (wait <= MIN_WAIT_NANOS) {
            sending = true;
            return take();
        }
        if (!lingering) {
            lingering = true;
            vertx.setTimer(Math.max(1, (wait + 999_999) / 1_000_000), id -> sendDue(false));
        }
        return null;
    }

    /** A batch's statement returned ({@code turnEnded}) or a linger timer fired: sends what is due now. */
    private void sendDue(boolean turnEnded) {
        List<Post> batch;
        synchronized (this) {
            if (turnEnded) {
                sending = false;
            } else {
                lingering = false;
            }
            batch = due(System.nanoTime());
        }
        if (batch != null) {
            Context on = batch.get(0).context;
            if (on != null) {
                on.runOnContext(ignored -> send(batch, true));
            } else {
                send(batch, true);
            }
        }
    }

    /** Guarded by {@code this}. */
    private List<Post> take() {
        List<Post> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            batch.add(queue.poll());
        }
        return batch;
    }

    private synchronized void forget(String key, Post post) {
        byKey.remove(key, post);
    }

    /** {@code inTurn}: the batch holds the one-in-flight turn, passed on when its statement returns. */
    private void send(List<Post> batch, boolean inTurn) {
        batchSizes.record(batch.size());
        List<Draft> drafts = new ArrayList<>(batch.size());
        for (Post post : batch) {
            drafts.add(post.draft);
        }
        Uni.createFrom().deferred(() -> store.insertBatch(drafts)).subscribe().with(outcome -> {
            if (inTurn) {
                sendDue(true);
            }
            committed(batch, outcome);
        }, failure -> {
            if (inTurn) {
                sendDue(true);
            }
            failed(batch, failure);
        });
    }

    private void committed(List<Post> batch, BatchOutcome outcome) {
        Map<String, List<Post>> createdBySlug = new LinkedHashMap<>();
        Map<String, List<Comment>> commentsBySlug = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Post post = batch.get(i);
            Comment created = outcome.created().get(i);
            if (created != null) {
                createdBySlug.computeIfAbsent(post.draft.slug(), s -> new ArrayList<>()).add(post);
                commentsBySlug.computeIfAbsent(post.draft.slug(), s -> new ArrayList<>()).add(created);
                continue;
            }
            Comment holder = outcome.taken().get(post.draft.key());
            if (holder != null) {
                post.done.complete(new Stored(holder, false)); // a repeat: nothing changed, nothing to refresh
            } else {
                post.done.completeExceptionally(new IllegalStateException("idempotency key taken but no comment holds it"));
            }
        }
        createdBySlug.forEach((slug, posts) -> {
            List<Comment> comments = commentsBySlug.get(slug);
            Uni.createFrom().deferred(() -> afterCommit.apply(slug, comments))
                    .onFailure().recoverWithNull()
                    .subscribe().with(ignored -> {
                        for (int i = 0; i < posts.size(); i++) {
                            posts.get(i).done.complete(new Stored(comments.get(i), true));
                        }
                    });
        });
    }

    private void failed(List<Post> batch, Throwable failure) {
        if (batch.size() > 1 && failure instanceof PgException && !DbFailures.unreachable(failure)) {
            LOG.warnf("PostgreSQL refused a batch of %d posts (%s): sending them one by one", batch.size(), failure.getMessage());
            for (Post post : batch) {
                send(List.of(post), false);
            }
            return;
        }
        for (Post post : batch) {
            post.done.completeExceptionally(failure);
        }
    }
}
