package io.manchete.gateway.client;

/**
 * What one upstream GET gave: never an exception, so a page can always be assembled from the
 * results. {@code body} and the headers are only set when the upstream answered; {@code setCookie}
 * says the answer carried a {@code Set-Cookie} (so it is personal and never cached).
 */
public record FragmentResult(Upstream upstream, String slot, Outcome outcome, int status, String body,
                             String cacheControl, String surrogateKey, String title, long nanos, boolean setCookie) {

    public FragmentResult(Upstream upstream, String slot, Outcome outcome, int status, String body,
                          String cacheControl, String surrogateKey, String title, long nanos) {
        this(upstream, slot, outcome, status, body, cacheControl, surrogateKey, title, nanos, false);
    }

    public enum Outcome {
        /** 2xx. */
        OK,
        /** 404 or 410: the thing does not exist (a real answer, not a failure). */
        NOT_FOUND,
        /** Any other status. */
        ERROR_STATUS,
        /** Past its budget. */
        TIMEOUT,
        /** Connection refused or reset, bad response. */
        FAILED;

        private final String tag = name().toLowerCase(java.util.Locale.ROOT);

        public String tag() {
            return tag;
        }
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** The same answer with another duration (a cached fragment reports its look-up time). */
    public FragmentResult withNanos(long newNanos) {
        return new FragmentResult(upstream, slot, outcome, status, body, cacheControl, surrogateKey, title, newNanos,
                setCookie);
    }

    public static FragmentResult failed(Upstream upstream, String slot, Throwable failure, long nanos) {
        Outcome outcome = failure instanceof java.util.concurrent.TimeoutException ? Outcome.TIMEOUT : Outcome.FAILED;
        return new FragmentResult(upstream, slot, outcome, 0, null, null, null, null, nanos, false);
    }
}
