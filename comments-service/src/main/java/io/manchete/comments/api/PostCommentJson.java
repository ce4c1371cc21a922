package io.manchete.comments.api;

/** What a reader posts. Checked by {@link io.manchete.comments.domain.NewComment#validate}. */
public record PostCommentJson(String author, String body) {
}
