package io.manchete.gateway.page;

import java.util.Map;

/** The outcome of assembling a page: a {@link Page}, a {@link Redirect}, or why there is none. */
public sealed interface Assembly permits Assembly.Page, Assembly.Redirect, Assembly.Unavailable {

    String serverTiming();

    /**
     * A complete page. {@code body} is the UTF-8 HTML, {@code etag} a strong validator of it,
     * {@code surrogateKey} the space-separated tags to expire it by, {@code maxAge} its freshness
     * (the least left among layout and fragments), {@code staleWhileRevalidate} and
     * {@code staleIfError} the least the parts allow. {@code versions}: the tag versions it was built
     * from; {@code cacheable}: it may be stored (every part storable, every tag with a version, a
     * max-age); {@code personal}: a part was {@code private}/{@code no-store} or set a cookie, so
     * nobody may store the page. {@code staleParts}: the slots (and {@code layout}) whose last good
     * copy stood in for a failed fetch (stale-if-error), space-separated, {@code null} when none.
     * {@code links}: the {@code Link} preload header value for the layout's assets, {@code null} when none.
     */
    record Page(byte[] body, String etag, int maxAge, String surrogateKey, String serverTiming,
                int staleWhileRevalidate, int staleIfError, Map<String, String> versions, boolean cacheable,
                boolean personal, String staleParts, String links) implements Assembly {

        public Page(byte[] body, String etag, int maxAge, String surrogateKey, String serverTiming,
                    int staleWhileRevalidate, int staleIfError, Map<String, String> versions, boolean cacheable,
                    boolean personal) {
            this(body, etag, maxAge, surrogateKey, serverTiming, staleWhileRevalidate, staleIfError, versions, cacheable,
                    personal, null, null);
        }
    }

    /**
     * The primary fragment moved for good: its 301/308 is the page's, with {@code location} (a
     * same-site path). May be cached like a 404 ({@code maxAge}, the layout's tag {@code versions}).
     */
    record Redirect(int status, String location, int maxAge, String surrogateKey, String serverTiming,
                    Map<String, String> versions, boolean cacheable) implements Assembly {
    }

    /**
     * No page: {@code status} 404/410 (the layout or the primary fragment does not exist;
     * {@code maxAge} says how long that answer may be cached) or 503 (a part we cannot do without
     * failed). A 404/410 may be cached ({@code cacheable}) with the layout's tag {@code versions}.
     */
    record Unavailable(int status, String reason, int maxAge, String surrogateKey, String serverTiming,
                       Map<String, String> versions, boolean cacheable) implements Assembly {

        public Unavailable(int status, String reason, int maxAge, String surrogateKey, String serverTiming) {
            this(status, reason, maxAge, surrogateKey, serverTiming, Map.of(), false);
        }
    }
}
