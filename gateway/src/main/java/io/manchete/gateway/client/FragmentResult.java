package io.manchete.gateway.client;

import io.smallrye.faulttolerance.api.RateLimitException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * What one upstream GET gave: never an exception, so a page can always be assembled from the
 * results. {@code body} and the headers are only set when the upstream answered; {@code setCookie}
 * says the answer carried a {@code Set-Cookie} (so it is personal and never cached); {@code location}
 * is the {@code Location} of a permanent redirect (301/308).
 */
public record FragmentResult(Upstream upstream, String slot, Outcome outcome, int status, String body,
                             String cacheControl, String surrogateKey, String title, long nanos, boolean setCookie,
                             String location) {

    public FragmentResult(Upstream upstream, String slot, Outcome outcome, int status, String body,
                          String cacheControl, String surrogateKey, String title, long nanos, boolean setCookie) {
        this(upstream, slot, outcome, status, body, cacheControl, surrogateKey, title, nanos, setCookie, null);
    }

    public FragmentResult(Upstream upstream, String slot, Outcome outcome, int status, String body,
                          String cacheControl, String surrogateKey, String title, long nanos) {
        this(upstream, slot, outcome, status, body, cacheControl, surrogateKey, title, nanos, false, null);
    }

    public enum Outcome {
        /** 2xx. */
        OK,
        /** 404 or 410: the thing does not exist (a real answer, not a failure). */
        NOT_FOUND,
        /** 301 or 308: it lives elsewhere now ({@link #location()}); a real answer, not a failure. */
        REDIRECT,
        /** Any other status. */
        ERROR_STATUS,
        /** Past its budget. */
        TIMEOUT,
        /** Connection refused or reset, bad response. */
        FAILED,
        /** Not even tried: the upstream's circuit breaker is open. */
        BREAKER_OPEN,
        /** Not even tried: the upstream's bulkhead was full (calls in flight and waiting). */
        BULKHEAD_FULL;

        private final String tag = name().toLowerCase(java.util.Locale.ROOT);

        public String tag() {
            return tag;
        }
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /**
     * The upstream failed, was too slow or was not asked (breaker, bulkhead), or answered 5xx: the
     * cases where a stale copy may stand in (stale-if-error, RFC 5861).
     */
    public boolean failed() {
        switch (outcome) {
            case OK:
            case NOT_FOUND:
            case REDIRECT:
                return false;
            case ERROR_STATUS:
                return status >= 500;
            default:
                return true;
        }
    }

    /** The same answer with another duration (a cached fragment reports its look-up time). */
    public FragmentResult withNanos(long newNanos) {
        return new FragmentResult(upstream, slot, outcome, status, body, cacheControl, surrogateKey, title, newNanos,
                setCookie, location);
    }

    public static FragmentResult failed(Upstream upstream, String slot, Throwable failure, long nanos) {
        int status = failure instanceof UpstreamStatusException error ? error.status() : 0;
        return new FragmentResult(upstream, slot, outcomeOf(failure), status, null, null, null, null, nanos, false, null);
    }

    /** How a failed upstream call is counted and traced. */
    public static Outcome outcomeOf(Throwable failure) {
        if (failure instanceof UpstreamStatusException) {
            return Outcome.ERROR_STATUS;
        }
        if (failure instanceof java.util.concurrent.TimeoutException
                || failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
            return Outcome.TIMEOUT;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return Outcome.BREAKER_OPEN;
        }
        if (failure instanceof BulkheadException || failure instanceof RateLimitException) {
            return Outcome.BULKHEAD_FULL;
        }
        return Outcome.FAILED;
    }
}
