package io.manchete.comments.api;

import io.manchete.comments.domain.Comment;

import java.time.Instant;

/** A visible comment as the JSON API shows it. */
public record CommentJson(long id, String articleSlug, String author, String body, Instant createdAt) {
    static CommentJson of(Comment c) {
        return new CommentJson(c.id, c.articleSlug, c.author, c.body, c.createdAt);
    }
}
