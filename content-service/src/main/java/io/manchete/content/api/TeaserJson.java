package io.manchete.content.api;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** One item of a section list or a teaser fragment. */
public record TeaserJson(String slug, String section, String title, String summary, String author,
        OffsetDateTime publishedAt) {

    /** Normalises the time to UTC so cached and fresh answers read the same. */
    public TeaserJson {
        publishedAt = publishedAt == null ? null : publishedAt.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
