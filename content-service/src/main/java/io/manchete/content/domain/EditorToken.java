package io.manchete.content.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks an {@code Authorization: Bearer <token>} header against the editor token. The comparison
 * runs over SHA-256 digests with {@link MessageDigest#isEqual}, so it takes the same time whatever
 * the token's content or length.
 */
public final class EditorToken {
    public enum Verdict { MISSING, WRONG, VALID }

    private final byte[] expectedDigest;

    public EditorToken(String expected) {
        if (expected == null || expected.isBlank()) {
            throw new IllegalArgumentException("the editor token must not be empty");
        }
        this.expectedDigest = digest(expected);
    }

    public Verdict check(String authorizationHeader) {
        String presented = bearer(authorizationHeader);
        if (presented == null) {
            return Verdict.MISSING;
        }
        return MessageDigest.isEqual(expectedDigest, digest(presented)) ? Verdict.VALID : Verdict.WRONG;
    }

    public boolean isValid(String authorizationHeader) {
        return check(authorizationHeader) == Verdict.VALID;
    }

    /** The token of a {@code Bearer} credential (scheme case-insensitive), or null when there is none. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
