package io.manchete.gateway.client;

import java.util.concurrent.TimeoutException;

/** An upstream call ran past its budget. Cheap: no stack trace (it is an expected outcome). */
public final class UpstreamTimeoutException extends TimeoutException {
    public UpstreamTimeoutException(String what, long millis) {
        super(what + " took longer than " + millis + " ms");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
