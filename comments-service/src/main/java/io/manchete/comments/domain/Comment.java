package io.manchete.comments.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

import java.time.Instant;

/** A reader's comment on an article (table {@code comment}). */
@Entity
public class Comment extends PanacheEntityBase {
    public static final String VISIBLE = "VISIBLE";
    public static final String HIDDEN = "HIDDEN";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(nullable = false)
    public String articleSlug;
    @Column(nullable = false)
    public String author;
    @Column(nullable = false)
    public String body;
    @Column(nullable = false)
    public Instant createdAt;
    @Column(nullable = false)
    public String status = VISIBLE;
    public String idempotencyKey;

    public boolean visible() {
        return VISIBLE.equals(status);
    }
}
