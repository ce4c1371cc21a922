package io.manchete.gateway.page;

/** The outcome of assembling a page: a {@link Page}, or why there is none. */
public sealed interface Assembly permits Assembly.Page, Assembly.Unavailable {

    String serverTiming();

    /**
     * A complete page. {@code body} is the UTF-8 HTML, {@code etag} a strong validator of it,
     * {@code surrogateKey} the space-separated tags to expire it by.
     */
    record Page(byte[] body, String etag, int maxAge, String surrogateKey, String serverTiming) implements Assembly {
    }

    /**
     * No page: {@code status} 404/410 (the layout or the primary fragment does not exist;
     * {@code maxAge} says how long that answer may be cached) or 503 (a part we cannot do without
     * failed).
     */
    record Unavailable(int status, String reason, int maxAge, String surrogateKey, String serverTiming)
            implements Assembly {
    }
}
