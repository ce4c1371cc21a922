package io.manchete.pages.domain;

import java.util.regex.Pattern;

/** The slug rule shared by the suite: {@code [a-z0-9]+(-[a-z0-9]+)*}, at most 160 characters. */
public final class Slugs {
    public static final int MAX_LENGTH = 160;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private Slugs() {
    }

    public static boolean isSlug(String value) {
        return isSlug(value, MAX_LENGTH);
    }

    public static boolean isSlug(String value, int maxLength) {
        return value != null && !value.isEmpty() && value.length() <= maxLength && SLUG.matcher(value).matches();
    }
}
