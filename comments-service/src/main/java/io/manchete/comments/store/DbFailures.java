package io.manchete.comments.store;

import io.manchete.commons.problem.ProblemException;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that cannot be used right now from other failures, so callers answer 503 with
 * {@code Retry-After} instead of 500: unreachable, or its connection pool gave up waiting for a free
 * connection (overload) or is closing (shutdown).
 */
public final class DbFailures {
    public static final int RETRY_AFTER_SECONDS = 5;

    private DbFailures() {
    }

    public static boolean unreachable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof ConnectException || t instanceof ClosedChannelException || t instanceof TimeoutException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException
                    || t instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
            // the Vert.x SQL pool's own failures carry no type of their own
            if (t instanceof io.vertx.core.impl.NoStackTraceThrowable
                    && ("Timeout".equals(t.getMessage()) || "Pool closed".equals(t.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    public static ProblemException unavailable() {
        return ProblemException.unavailable("the comments database is unavailable, try again shortly", RETRY_AFTER_SECONDS);
    }
}
