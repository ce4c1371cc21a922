package io.manchete.content.store;

import java.time.OffsetDateTime;

/** The columns a list needs (no body): a Panache projection of {@code Article}. */
public record TeaserRow(String slug, String section, String title, String summary, String author,
        OffsetDateTime publishedAt) {
}
