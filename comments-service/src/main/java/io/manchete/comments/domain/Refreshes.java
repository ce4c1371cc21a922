package io.manchete.comments.domain;

import io.manchete.commons.reactive.OnContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Refreshes of an article's cache entries after writes, at most one at a time per article. A write
 * asks for a refresh after its commit and waits until one that <em>started</em> after that commit has
 * finished, so its own comment is in the cache when it answers. Writes that commit while a refresh
 * runs share the one queued behind it.
 *
 * <p>Two things follow under a burst of posts to one article: the entries are read back and rendered
 * once per round instead of once per post (the count and first page of a hot article are the
 * expensive part of a post), and the cache always ends with what the last refresh read: two
 * refreshes of the same article never overlap, so an older read can no longer overwrite a newer one.
 *
 * <p>A refresh runs on the Vert.x context of the write that started it (that write waits for it, so
 * its Hibernate Reactive session has the context to itself); every waiting write continues on its
 * own context.
 */
final class Refreshes {
    private final Function<String, Uni<Void>> refresh;
    /** Guarded by {@code this}: the articles with a refresh running, and what waits behind it. */
    private final Map<String, Round> rounds = new HashMap<>();

    private static final class Round {
        CompletableFuture<Void> queued;
        Context queuedOn;
    }

    /** {@code refresh} must never fail (it recovers by itself). */
    Refreshes(Function<String, Uni<Void>> refresh) {
        this.refresh = refresh;
    }

    /** Emits once a refresh of the article that started after this call has finished. */
    Uni<Void> after(String slug) {
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
                    }
                    done = round.queued;
                }
            }
            if (start) {
                run(slug, done);
            }
            return OnContext.await(() -> done);
        });
    }

    private void run(String slug, CompletableFuture<Void> done) {
        Uni.createFrom().deferred(() -> refresh.apply(slug))
                .onFailure().recoverWithNull()
                .subscribe().with(ignored -> finished(slug, done), failure -> finished(slug, done));
    }

    private void finished(String slug, CompletableFuture<Void> done) {
        CompletableFuture<Void> next;
        Context on;
        synchronized (this) {
            Round round = rounds.get(slug);
            next = round.queued;
            on = round.queuedOn;
            if (next == null) {
                rounds.remove(slug);
            } else {
                round.queued = null;
                round.queuedOn = null;
            }
        }
        done.complete(null);
        if (next != null) {
            if (on != null) {
                on.runOnContext(ignored -> run(slug, next));
            } else {
                run(slug, next);
            }
        }
    }

    /** Articles with a refresh running (for tests). */
    synchronized int running() {
        return rounds.size();
    }
}
