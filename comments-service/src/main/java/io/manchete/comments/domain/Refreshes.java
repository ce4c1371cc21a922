package io.manchete.comments.domain;

import io.manchete.commons.reactive.OnContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Refreshes of an article's cache entries after writes, at most one at a time per article. A write
 * asks for a refresh after its commit, saying what changed ({@link Change}), and waits until one that
 * <em>started</em> after that request and took its change in has finished, so its own comment is in
 * the cache when it answers. Writes that commit while a refresh runs share the one queued behind it,
 * which takes in all their changes.
 *
 * <p>Two things follow under a burst of posts to one article: the entries are refreshed once per
 * round instead of once per post, and two refreshes of the same article on this replica never
 * overlap, so an older one can no longer overwrite a newer one (replicas guard against each other
 * with versioned writes, see {@link CommentService}).
 *
 * <p>A refresh runs on the Vert.x context of the write that started it (or queued first for it);
 * every waiting write continues on its own context.
 */
final class Refreshes {
    /** What a refresh must bring into the cache: comments posted, and whether to read the database. */
    static final class Change {
        final List<Comment> added = new ArrayList<>();
        final List<Long> hidden = new ArrayList<>();
        /** A hide (or anything but new comments): only a database read shows it. */
        boolean reread;

        static Change posted(List<Comment> comments) {
            Change change = new Change();
            change.added.addAll(comments);
            return change;
        }

        static Change hid(long id) {
            Change change = new Change();
            change.reread = true;
            change.hidden.add(id);
            return change;
        }

        void include(Change other) {
            added.addAll(other.added);
            hidden.addAll(other.hidden);
            reread |= other.reread;
        }
    }

    /** Refreshes an article's entries for a change; must never fail (it recovers by itself). */
    interface Refresh {
        Uni<Void> apply(String slug, Change change);
    }

    private final Refresh refresh;
    /** Guarded by {@code this}: the articles with a refresh running, and what waits behind it. */
    private final Map<String, Round> rounds = new HashMap<>();

    private static final class Round {
        CompletableFuture<Void> queued;
        Context queuedOn;
        Change queuedChange;
    }

    Refreshes(Refresh refresh) {
        this.refresh = refresh;
    }

    /** Emits once a refresh of the article that includes the change has finished. */
    Uni<Void> after(String slug, Change change) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> done;
            boolean start = false;
            synchronized (this) {
                Round round = rounds.get(slug);
                if (round == null) {
                    rounds.put(slug, new Round());
                    done = new CompletableFuture<>();
                    start = true;
                } else {
                    if (round.queued == null) {
                        round.queued = new CompletableFuture<>();
                        round.queuedOn = Vertx.currentContext();
                        round.queuedChange = new Change();
                    }
                    round.queuedChange.include(change);
                    done = round.queued;
                }
            }
            if (start) {
                run(slug, change, done);
            }
            return OnContext.await(() -> done);
        });
    }

    private void run(String slug, Change change, CompletableFuture<Void> done) {
        Uni.createFrom().deferred(() -> refresh.apply(slug, change))
                .onFailure().recoverWithNull()
                .subscribe().with(ignored -> finished(slug, done), failure -> finished(slug, done));
    }

    private void finished(String slug, CompletableFuture<Void> done) {
        CompletableFuture<Void> next;
        Context on;
        Change change;
        synchronized (this) {
            Round round = rounds.get(slug);
            next = round.queued;
            on = round.queuedOn;
            change = round.queuedChange;
            if (next == null) {
                rounds.remove(slug);
            } else {
                round.queued = null;
                round.queuedOn = null;
                round.queuedChange = null;
            }
        }
        done.complete(null);
        if (next != null) {
            if (on != null) {
                on.runOnContext(ignored -> run(slug, change, next));
            } else {
                run(slug, change, next);
            }
        }
    }

    /** Articles with a refresh running (for tests). */
    synchronized int running() {
        return rounds.size();
    }
}
