package io.manchete.comments.domain;

import java.util.regex.Pattern;

/** Article and section slugs: {@code [a-z0-9]+(-[a-z0-9]+)*}, at most 160 characters. */
public final class Slugs {
    public static final int MAX_LENGTH = 160;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private Slugs() {
    }

    public static boolean valid(String slug) {
        return slug != null && !slug.isEmpty() && slug.length() <= MAX_LENGTH && SLUG.matcher(slug).matches();
    }
}
