package io.manchete.gateway.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code Idempotency-Key} of a comment form submission: hex SHA-256 of section, slug, author,
 * body, client address and the current minute, so a form submitted twice (double click, reload)
 * stores one comment. Each part is length-prefixed, so no two different inputs share a key.
 */
public final class IdempotencyKeys {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IdempotencyKeys() {
    }

    public static String of(String section, String slug, String author, String body, String client, long epochMinute) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder input = new StringBuilder(64 + author.length() + body.length());
        for (String part : new String[] {section, slug, author, body, client, Long.toString(epochMinute)}) {
            input.append(part.length()).append(':').append(part).append(';');
        }
        byte[] hash = digest.digest(input.toString().getBytes(StandardCharsets.UTF_8));
        char[] hex = new char[hash.length * 2];
        for (int i = 0; i < hash.length; i++) {
            hex[2 * i] = HEX[(hash[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[hash[i] & 0xf];
        }
        return new String(hex);
    }
}
