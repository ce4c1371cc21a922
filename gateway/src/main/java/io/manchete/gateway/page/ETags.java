package io.manchete.gateway.page;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Strong entity tags for assembled pages, and {@code If-None-Match} evaluation (RFC 9110 §13.1.2). */
public final class ETags {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private ETags() {
    }

    /** {@code "<first 16 hex digits of SHA-256(body)>"}. */
    public static String strong(byte[] body) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        byte[] hash = digest.digest(body);
        char[] tag = new char[18];
        tag[0] = '"';
        for (int i = 0; i < 8; i++) {
            tag[1 + 2 * i] = HEX[(hash[i] >> 4) & 0xf];
            tag[2 + 2 * i] = HEX[hash[i] & 0xf];
        }
        tag[17] = '"';
        return new String(tag);
    }

    /**
     * Whether an {@code If-None-Match} header matches {@code etag}: {@code *}, or any listed tag equal
     * to it by weak comparison (a {@code W/} prefix is ignored on either side).
     */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String opaque = opaque(etag);
        int i = 0;
        int length = ifNoneMatch.length();
        while (i < length) {
            char c = ifNoneMatch.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            int start = i;
            if (ifNoneMatch.startsWith("W/", i)) {
                i += 2;
            }
            if (i < length && ifNoneMatch.charAt(i) == '"') {
                int close = ifNoneMatch.indexOf('"', i + 1);
                if (close < 0) {
                    return false;
                }
                if (ifNoneMatch.regionMatches(i, opaque, 0, opaque.length()) && close + 1 - i == opaque.length()) {
                    return true;
                }
                i = close + 1;
            } else {
                // not a valid entity-tag: skip to the next comma
                int comma = ifNoneMatch.indexOf(',', start);
                i = comma < 0 ? length : comma + 1;
            }
        }
        return false;
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
