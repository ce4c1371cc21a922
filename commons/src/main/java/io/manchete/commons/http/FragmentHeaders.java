package io.manchete.commons.http;

import java.util.Collection;

/**
 * The headers a fragment response carries so the gateway can cache and expire it without knowing
 * the service: {@code Cache-Control} (max-age, stale-while-revalidate, stale-if-error) and
 * {@code Surrogate-Key} (space-separated tags such as {@code article:my-slug}).
 */
public final class FragmentHeaders {
    public static final String SURROGATE_KEY = "Surrogate-Key";
    /** Optional on the primary fragment: the page title, percent-encoded UTF-8. */
    public static final String FRAGMENT_TITLE = "Fragment-Title";

    private FragmentHeaders() {
    }

    public static String cacheControl(int maxAgeSeconds) {
        return "public, max-age=" + maxAgeSeconds + ", stale-while-revalidate=" + Math.max(5, maxAgeSeconds)
                + ", stale-if-error=86400";
    }

    public static String tags(Collection<String> tags) {
        return String.join(" ", tags);
    }
}
