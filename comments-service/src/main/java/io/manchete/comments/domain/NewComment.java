package io.manchete.comments.domain;

import io.manchete.commons.problem.Problem;
import io.manchete.commons.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A comment as a reader submits it, once it passed the rules: author 1..80 characters (trimmed),
 * body 1..4000 characters, neither blank. Lengths count Unicode code points, as PostgreSQL's
 * {@code VARCHAR(n)} does.
 */
public record NewComment(String author, String body) {
    public static final int AUTHOR_MAX = 80;
    public static final int BODY_MAX = 4000;
    public static final int IDEMPOTENCY_KEY_MAX = 100;

    /**
     * Checks the submitted fields. A body over {@value #BODY_MAX} characters answers 413, any
     * other fault 400; every faulty field is named.
     */
    public static NewComment validate(String author, String body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        boolean tooLarge = false;
        String trimmedAuthor = author == null ? null : author.strip();
        if (trimmedAuthor == null || trimmedAuthor.isEmpty()) {
            errors.add(new Problem.FieldError("author", "must not be blank"));
        } else if (length(trimmedAuthor) > AUTHOR_MAX) {
            errors.add(new Problem.FieldError("author", "must be at most " + AUTHOR_MAX + " characters"));
        }
        if (body == null || body.isBlank()) {
            errors.add(new Problem.FieldError("body", "must not be blank"));
        } else if (length(body) > BODY_MAX) {
            errors.add(new Problem.FieldError("body", "too large: at most " + BODY_MAX + " characters"));
            tooLarge = true;
        }
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList());
            throw tooLarge
                    ? new ProblemException(413, "Content Too Large", detail, errors, Map.of())
                    : new ProblemException(400, "Bad Request", detail, errors, Map.of());
        }
        return new NewComment(trimmedAuthor, body);
    }

    /** The {@code Idempotency-Key} header: absent is fine; present must be 1..100 visible ASCII characters. */
    public static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > IDEMPOTENCY_KEY_MAX || !header.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ProblemException.badRequest("Idempotency-Key", "must be 1.." + IDEMPOTENCY_KEY_MAX + " visible ASCII characters");
        }
        return header;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
