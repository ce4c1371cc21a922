package io.manchete.gateway.web;

/** Validates section and slug path segments: {@code [a-z0-9]+(-[a-z0-9]+)*}. */
public final class Slugs {
    public static final int MAX_SLUG_LENGTH = 160;
    public static final int MAX_SECTION_LENGTH = 60;

    private Slugs() {
    }

    public static boolean isSlug(String value) {
        return matches(value, MAX_SLUG_LENGTH);
    }

    public static boolean isSection(String value) {
        return matches(value, MAX_SECTION_LENGTH);
    }

    static boolean matches(String value, int maxLength) {
        if (value == null || value.isEmpty() || value.length() > maxLength) {
            return false;
        }
        boolean previousDash = true; // no leading dash
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '-') {
                if (previousDash) {
                    return false;
                }
                previousDash = true;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                previousDash = false;
            } else {
                return false;
            }
        }
        return !previousDash; // no trailing dash
    }
}
