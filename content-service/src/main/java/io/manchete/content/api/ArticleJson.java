package io.manchete.content.api;

import io.manchete.content.domain.Article;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** An article as JSON (also the value kept in {@code content-articles}). */
public record ArticleJson(String slug, String section, String title, String summary, String body, String author,
        OffsetDateTime publishedAt, OffsetDateTime updatedAt, int version) {

    public static ArticleJson of(Article a) {
        return new ArticleJson(a.getSlug(), a.getSection(), a.getTitle(), a.getSummary(), a.getBody(), a.getAuthor(),
                utc(a.getPublishedAt()), utc(a.getUpdatedAt()), a.getVersion());
    }

    public boolean published() {
        return publishedAt != null;
    }

    public TeaserJson teaser() {
        return new TeaserJson(slug, section, title, summary, author, publishedAt);
    }

    static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
