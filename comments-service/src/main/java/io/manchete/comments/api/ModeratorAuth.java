package io.manchete.comments.api;

import io.manchete.comments.config.CommentsConfig;
import io.manchete.commons.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * The moderator's bearer token. Missing → 401 with {@code WWW-Authenticate: Bearer}; wrong → 403.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken
 * says nothing about the expected token, not even its length.
 */
@ApplicationScoped
public class ModeratorAuth {
    private static final String PREFIX = "Bearer ";

    private final byte[] expected;

    public ModeratorAuth(CommentsConfig config) {
        this.expected = digest(config.moderatorToken());
    }

    public void require(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                || authorization.substring(PREFIX.length()).isBlank()) {
            throw new ProblemException(401, "Unauthorized", "a moderator bearer token is required", List.of(),
                    Map.of("WWW-Authenticate", "Bearer"));
        }
        if (!MessageDigest.isEqual(expected, digest(authorization.substring(PREFIX.length()).strip()))) {
            throw new ProblemException(403, "Forbidden", "the token does not allow moderating comments");
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
