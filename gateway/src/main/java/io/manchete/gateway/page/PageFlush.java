package io.manchete.gateway.page;

/**
 * Where {@link PageAssembler} sends a page to the reader while it is still being assembled: first
 * the layout's preload links ({@code 103 Early Hints}), then — when the primary fragment is ready but
 * a secondary one is late — the page's status, head and everything up to the late fragment, then the
 * rest as the fragments arrive. Implemented by the HTTP route for one request.
 */
public interface PageFlush {

    /** The layout is known; {@code links} is its preload {@code Link} value (never {@code null}). */
    void hints(String links);

    /**
     * Starts the answer: {@code 200}, the {@code head}'s headers, and {@code html}, the page up to its
     * first late fragment. {@code false} when this answer cannot be streamed (the reader left, it was
     * answered already): then nothing more is written through this flush.
     */
    boolean begin(Head head, String html);

    /** The next part of the page, after {@link #begin}. */
    void write(String html);

    /**
     * What is known of the page when its head is sent: {@code links} (may be {@code null}), how long
     * the reader may keep it ({@code maxAge}: the layout's and primary fragment's freshness, at most the
     * placeholder max-age, since a late fragment may still become a placeholder) and whether the layout
     * or the primary fragment is {@code personal}.
     */
    record Head(String links, int maxAge, boolean personal) {
    }
}
