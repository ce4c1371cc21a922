package io.manchete.comments.api;

import java.util.List;

/** A keyset page; {@code next} is the opaque cursor of the following page, null on the last one. */
public record CommentPageJson(List<CommentJson> items, String next) {
}
