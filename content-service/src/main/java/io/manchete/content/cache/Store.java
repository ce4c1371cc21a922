package io.manchete.content.cache;

/** The service's Infinispan caches (configured in {@code application.properties}). */
public enum Store {
    /** Article JSON by slug, section list pages, section generations. */
    ARTICLES(Store.ARTICLES_NAME),
    /** Rendered fragments (JSON envelope: html, tags, title, etag). */
    FRAGMENTS(Store.FRAGMENTS_NAME);

    public static final String ARTICLES_NAME = "content-articles";
    public static final String FRAGMENTS_NAME = "content-fragments";

    private final String cacheName;

    Store(String cacheName) {
        this.cacheName = cacheName;
    }

    public String cacheName() {
        return cacheName;
    }
}
