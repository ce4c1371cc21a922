package io.manchete.gateway.client;

/**
 * An upstream answered 5xx: inside the fault-tolerance guard this is a failure (counted by the
 * circuit breaker, retried if it is 502/503/504); outside it becomes an {@code ERROR_STATUS} result.
 * Cheap: no stack trace (it is an expected outcome).
 */
public final class UpstreamStatusException extends RuntimeException {
    private final int status;

    public UpstreamStatusException(String what, int status) {
        super(what + " answered " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Worth one more try: the upstream (or a proxy before it) says it is briefly unavailable. */
    public boolean transientStatus() {
        return status == 502 || status == 503 || status == 504;
    }
}
