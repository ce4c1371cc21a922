package io.manchete.content.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;

/**
 * An article: a draft until it is published. Columns follow {@code V1__articles.sql} (the demo-data
 * loader writes them directly); {@code version} is the JPA optimistic-lock counter.
 */
@Entity
public class Article {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(nullable = false, unique = true, updatable = false, length = Slugs.SLUG_MAX)
    private String slug;
    @Column(nullable = false, length = Slugs.SECTION_MAX)
    private String section;
    @Column(nullable = false, length = 300)
    private String title;
    @Column(nullable = false, length = 1000)
    private String summary;
    @Column(nullable = false)
    private String body;
    @Column(nullable = false, length = 120)
    private String author;
    private OffsetDateTime publishedAt;
    @Column(nullable = false)
    private OffsetDateTime updatedAt;
    @Version
    private int version;

    protected Article() {
        // for Hibernate
    }

    /** A new draft. */
    public static Article draft(String slug, String section, String title, String summary, String body, String author,
            OffsetDateTime now) {
        Article article = new Article();
        article.slug = slug;
        article.section = section;
        article.title = title;
        article.summary = summary;
        article.body = body;
        article.author = author;
        article.updatedAt = now;
        return article;
    }

    /** Replaces the editable content. */
    public void revise(String section, String title, String summary, String body, String author, OffsetDateTime now) {
        this.section = section;
        this.title = title;
        this.summary = summary;
        this.body = body;
        this.author = author;
        this.updatedAt = now;
    }

    /** Publishes: {@code publishedAt} is set the first time only, {@code updatedAt} every time. */
    public void publish(OffsetDateTime now) {
        if (publishedAt == null) {
            publishedAt = now;
        }
        updatedAt = now;
    }

    public boolean isPublished() {
        return publishedAt != null;
    }

    public Long getId() {
        return id;
    }

    public String getSlug() {
        return slug;
    }

    public String getSection() {
        return section;
    }

    public String getTitle() {
        return title;
    }

    public String getSummary() {
        return summary;
    }

    public String getBody() {
        return body;
    }

    public String getAuthor() {
        return author;
    }

    public OffsetDateTime getPublishedAt() {
        return publishedAt;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    public int getVersion() {
        return version;
    }
}
