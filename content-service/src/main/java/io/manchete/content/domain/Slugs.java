package io.manchete.content.domain;

import java.util.regex.Pattern;

/** The shape of slugs and section names (lower-case words joined by single hyphens). */
public final class Slugs {
    public static final String REGEX = "[a-z0-9]+(-[a-z0-9]+)*";
    public static final int SLUG_MAX = 160;
    public static final int SECTION_MAX = 60;
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private Slugs() {
    }

    public static boolean isSlug(String value) {
        return value != null && value.length() <= SLUG_MAX && PATTERN.matcher(value).matches();
    }

    public static boolean isSection(String value) {
        return value != null && value.length() <= SECTION_MAX && PATTERN.matcher(value).matches();
    }
}
