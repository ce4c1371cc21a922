package io.manchete.gateway.client;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An absolute budget for an upstream call, measured with a Vert.x timer so the timeout fires on the
 * caller's event loop (a Mutiny {@code ifNoItem()} timeout would emit on a worker thread). Vert.x'
 * own request timeout is an idle timeout: it does not bound a slowly trickling answer.
 */
public final class Deadline {
    private Deadline() {
    }

    public static <T> Uni<T> within(Uni<T> uni, long millis, Vertx vertx, String what) {
        if (millis <= 0) {
            return uni;
        }
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> upstream = new AtomicReference<>();
            long timer = vertx.setTimer(millis, id -> {
                emitter.fail(new UpstreamTimeoutException(what, millis));
                Cancellable running = upstream.get();
                if (running != null) {
                    running.cancel();
                }
            });
            upstream.set(uni.subscribe().with(
                    item -> {
                        vertx.cancelTimer(timer);
                        emitter.complete(item);
                    },
                    failure -> {
                        vertx.cancelTimer(timer);
                        emitter.fail(failure);
                    }));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }
}
