package io.manchete.content.domain;

/** {@code If-Match} against an article version, whose entity tag is {@code "{version}"}. */
public final class Preconditions {
    private Preconditions() {
    }

    public static String etag(int version) {
        return "\"" + version + "\"";
    }

    /**
     * True when one of the listed entity tags names this version (strong comparison, so {@code W/"3"}
     * never matches), or the header is {@code *}. A bare {@code 3} is accepted as {@code "3"}.
     */
    public static boolean ifMatch(String header, int version) {
        if (header == null) {
            return false;
        }
        for (String raw : header.split(",")) {
            String tag = raw.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                continue;
            }
            if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                tag = tag.substring(1, tag.length() - 1);
            }
            if (tag.equals(Integer.toString(version))) {
                return true;
            }
        }
        return false;
    }
}
