package io.manchete.comments.store;

import io.manchete.commons.problem.ProblemException;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** Tells a database that cannot be reached from other failures, so callers answer 503 instead of 500. */
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
        }
        return false;
    }

    public static ProblemException unavailable() {
        return ProblemException.unavailable("the comments database is unavailable, try again shortly", RETRY_AFTER_SECONDS);
    }
}
