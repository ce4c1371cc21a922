package io.manchete.gateway.page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Fills a layout slot's path template: {@code {slug}} and {@code {section}} become the request's
 * values, URL-encoded (so a value can never add a path segment or a query parameter). Any other
 * {@code {...}} is left as it is.
 */
public final class SlotPaths {
    private static final String SLUG = "{slug}";
    private static final String SECTION = "{section}";

    private SlotPaths() {
    }

    public static String expand(String template, String section, String slug) {
        int brace = template.indexOf('{');
        if (brace < 0) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length() + 32);
        int copied = 0;
        while (brace >= 0) {
            String value = null;
            int length = 0;
            if (template.startsWith(SLUG, brace)) {
                value = slug;
                length = SLUG.length();
            } else if (template.startsWith(SECTION, brace)) {
                value = section;
                length = SECTION.length();
            }
            if (length > 0) {
                out.append(template, copied, brace).append(encode(value));
                copied = brace + length;
                brace = template.indexOf('{', copied);
            } else {
                brace = template.indexOf('{', brace + 1);
            }
        }
        return out.append(template, copied, template.length()).toString();
    }

    /** Percent-encoding safe in a path segment and in a query value (space → %20). */
    public static String encode(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (c >= 'A' && c <= 'Z');
        }
        return plain ? value : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
