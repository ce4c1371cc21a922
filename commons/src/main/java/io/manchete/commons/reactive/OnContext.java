package io.manchete.commons.reactive;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Hot Rod futures complete on the client's own threads. Hibernate Reactive sessions and Vert.x
 * request state belong to the caller's Vert.x context, so every Infinispan result is handed back
 * to that context before the chain goes on.
 */
public final class OnContext {
    private OnContext() {
    }

    /** Subscribes to the stage and emits its result on the subscriber's Vert.x context (if any). */
    public static <T> Uni<T> await(Supplier<? extends CompletionStage<T>> stage) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            Uni<T> uni = Uni.createFrom().completionStage(stage);
            return context == null ? uni : uni.emitOn(task -> context.runOnContext(ignored -> task.run()));
        });
    }
}
