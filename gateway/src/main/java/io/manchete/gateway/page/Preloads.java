package io.manchete.gateway.page;

import java.util.Locale;

/**
 * The {@code Link} header that lets a browser fetch a layout's assets before the page arrives
 * (RFC 8288, {@code rel=preload}): every {@code <link rel="stylesheet" href>} ({@code as=style}),
 * {@code <link rel="preload" href as>} and {@code <script src>} ({@code as=script}) in the template's
 * head, in order. Only same-site paths ({@code /…}, not {@code //…}) that need no escaping in a
 * {@code Link} header are taken; {@code null} when there are none.
 */
public final class Preloads {
    private Preloads() {
    }

    public static String links(String template) {
        if (template == null) {
            return null;
        }
        int end = indexOfIgnoreCase(template, "</head", 0);
        if (end < 0) {
            end = template.length();
        }
        StringBuilder links = null;
        int at = template.indexOf('<');
        while (at >= 0 && at < end) {
            int close = template.indexOf('>', at);
            if (close < 0 || close > end) {
                break;
            }
            String as = null;
            String target = null;
            if (startsWithTag(template, at, "link")) {
                String rel = attribute(template, at, close, "rel");
                if (rel != null && rel.equalsIgnoreCase("stylesheet")) {
                    as = "style";
                    target = attribute(template, at, close, "href");
                } else if (rel != null && rel.equalsIgnoreCase("preload")) {
                    as = attribute(template, at, close, "as");
                    target = attribute(template, at, close, "href");
                }
            } else if (startsWithTag(template, at, "script")) {
                as = "script";
                target = attribute(template, at, close, "src");
            }
            if (as != null && isToken(as) && isSameSitePath(target)) {
                if (links == null) {
                    links = new StringBuilder(128);
                } else {
                    links.append(", ");
                }
                links.append('<').append(target).append(">; rel=preload; as=").append(as.toLowerCase(Locale.ROOT));
            }
            at = template.indexOf('<', close);
        }
        return links == null ? null : links.toString();
    }

    private static boolean startsWithTag(String html, int lt, String name) {
        int after = lt + 1 + name.length();
        return html.regionMatches(true, lt + 1, name, 0, name.length()) && after < html.length()
                && (Character.isWhitespace(html.charAt(after)) || html.charAt(after) == '>' || html.charAt(after) == '/');
    }

    /** The value of attribute {@code name} inside the tag {@code html[from, to)}, or {@code null}. */
    static String attribute(String html, int from, int to, String name) {
        int i = from;
        while (true) {
            i = indexOfIgnoreCase(html, name, i + 1);
            if (i < 0 || i >= to) {
                return null;
            }
            char before = html.charAt(i - 1);
            int j = i + name.length();
            if (!Character.isWhitespace(before)) {
                continue;
            }
            while (j < to && Character.isWhitespace(html.charAt(j))) {
                j++;
            }
            if (j >= to || html.charAt(j) != '=') {
                continue;
            }
            j++;
            while (j < to && Character.isWhitespace(html.charAt(j))) {
                j++;
            }
            if (j >= to) {
                return null;
            }
            char quote = html.charAt(j);
            if (quote == '"' || quote == '\'') {
                int endQuote = html.indexOf(quote, j + 1);
                return endQuote < 0 || endQuote > to ? null : html.substring(j + 1, endQuote);
            }
            int k = j;
            while (k < to && !Character.isWhitespace(html.charAt(k)) && html.charAt(k) != '>') {
                k++;
            }
            return html.substring(j, k);
        }
    }

    private static boolean isSameSitePath(String target) {
        if (target == null || target.length() < 2 || target.charAt(0) != '/' || target.charAt(1) == '/'
                || target.length() > 512) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(String value) {
        if (value.isEmpty() || value.length() > 20) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfIgnoreCase(String text, String needle, int from) {
        int last = text.length() - needle.length();
        for (int i = Math.max(0, from); i <= last; i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }
}
