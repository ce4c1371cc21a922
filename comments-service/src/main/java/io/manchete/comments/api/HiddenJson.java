package io.manchete.comments.api;

/** Answer to a hide: the comment's id, article and new status. */
public record HiddenJson(long id, String articleSlug, String status) {
}
