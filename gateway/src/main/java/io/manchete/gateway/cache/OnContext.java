package io.manchete.gateway.cache;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Hot Rod futures complete on the client's own threads, coalesced builds on the leader's event
 * loop: results are handed back to the caller's Vert.x context. A future that is already complete (a
 * near-cache hit) is handled inline, without a hop.
 */
public final class OnContext {
    private OnContext() {
    }

    /**
     * Calls {@code callback} with the result or the (unwrapped) failure, on {@code context}; if the
     * callback itself throws, {@code escape} gets the exception (so a request never hangs on a bug).
     */
    public static <T> void whenComplete(CompletableFuture<T> future, Context context, BiConsumer<T, Throwable> callback,
                                        Consumer<Throwable> escape) {
        BiConsumer<T, Throwable> guarded = (item, failure) -> {
            try {
                callback.accept(item, failure);
            } catch (RuntimeException e) {
                escape.accept(e);
            }
        };
        if (future.isDone()) {
            complete(future, guarded);
            return;
        }
        future.whenComplete((item, failure) -> {
            if (context == null || Vertx.currentContext() == context) {
                guarded.accept(item, unwrap(failure));
            } else {
                context.runOnContext(ignored -> guarded.accept(item, unwrap(failure)));
            }
        });
    }

    /** The future as a Uni that emits on the subscriber's Vert.x context. */
    public static <T> Uni<T> uni(CompletableFuture<T> future) {
        return Uni.createFrom().emitter(emitter -> whenComplete(future, Vertx.currentContext(), (item, failure) -> {
            if (failure != null) {
                emitter.fail(failure);
            } else {
                emitter.complete(item);
            }
        }, emitter::fail));
    }

    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static <T> void complete(CompletableFuture<T> future, BiConsumer<T, Throwable> callback) {
        T item;
        try {
            item = future.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            callback.accept(null, unwrap(e));
            return;
        }
        callback.accept(item, null);
    }
}
