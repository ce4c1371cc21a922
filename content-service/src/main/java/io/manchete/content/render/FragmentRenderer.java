package io.manchete.content.render;

import io.manchete.content.domain.Paragraphs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Renders fragments from plain values; pure apart from the Qute templates. */
public final class FragmentRenderer {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH);

    private FragmentRenderer() {
    }

    public static Fragment article(String slug, String section, String title, String summary, String body, String author,
            OffsetDateTime publishedAt) {
        OffsetDateTime utc = publishedAt.withOffsetSameInstant(ZoneOffset.UTC);
        ArticleView view = new ArticleView(slug, section, title, summary, author, ISO.format(utc), HUMAN.format(utc),
                Paragraphs.split(body));
        String html = Templates.article(view).render();
        return new Fragment(html, "article:" + slug, title, etag(html));
    }

    public static Fragment teasers(String heading, List<TeaserView> items, String tags) {
        String html = Templates.teasers(heading == null ? "" : heading, items).render();
        return new Fragment(html, tags, null, etag(html));
    }

    public static String missing(String what) {
        return Templates.missing(what).render();
    }

    /** A strong entity tag from the markup. */
    public static String etag(String html) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(html.getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
