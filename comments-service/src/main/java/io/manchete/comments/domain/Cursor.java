package io.manchete.comments.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Position in a keyset page: the last comment's {@code (createdAt, id)}. Its text form is opaque to
 * clients: base64url (no padding) of {@code v1:<epoch microseconds>:<id>}.
 */
public record Cursor(Instant createdAt, long id) {
    private static final Pattern FORM = Pattern.compile("v1:(-?[0-9]{1,19}):([0-9]{1,19})");
    private static final int MAX_ENCODED = 64;

    public Cursor {
        if (createdAt == null || id <= 0) {
            throw new IllegalArgumentException("a cursor needs a timestamp and a positive id");
        }
    }

    public static Cursor after(Comment comment) {
        return new Cursor(comment.createdAt, comment.id);
    }

    public String encode() {
        String plain = "v1:" + toMicros(createdAt) + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor, or empty when the text was not made by {@link #encode()}. */
    public static Optional<Cursor> decode(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_ENCODED) {
            return Optional.empty();
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            Matcher m = FORM.matcher(plain);
            if (!m.matches()) {
                return Optional.empty();
            }
            long micros = Long.parseLong(m.group(1));
            long id = Long.parseLong(m.group(2));
            return id <= 0 ? Optional.empty() : Optional.of(new Cursor(fromMicros(micros), id));
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    static long toMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
