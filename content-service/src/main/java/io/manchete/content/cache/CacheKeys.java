package io.manchete.content.cache;

/**
 * Keys in the two caches. Slugs and sections never contain {@code ':'}, so the prefixes cannot clash
 * with an article key.
 *
 * <p>Section lists and section teaser fragments carry the section's generation in their key: a write
 * replaces the generation with a new random value, which makes every older list and teaser of that
 * section unreachable at once (they expire on their own).
 */
public final class CacheKeys {
    private CacheKeys() {
    }

    /** {@code content-articles}: the article JSON. */
    public static String article(String slug) {
        return slug;
    }

    /** {@code content-articles}: the section's current generation. */
    public static String generation(String section) {
        return "gen:" + section;
    }

    /** {@code content-articles}: one page of a section list. */
    public static String sectionPage(String section, String generation, int page, int size) {
        return "list:" + section + ":" + generation + ":" + page + ":" + size;
    }

    /** {@code content-fragments}: the article fragment. */
    public static String articleFragment(String slug) {
        return "article:" + slug;
    }

    /** {@code content-fragments}: a section teaser fragment. */
    public static String sectionTeasers(String section, String generation, int limit, String heading) {
        return "teasers:" + section + ":" + generation + ":" + limit + ":" + heading;
    }
}
