package io.manchete.content.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;

@Entity
public class Article extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(nullable = false, unique = true)
    public String slug;
    public String section;
    public String title;
    public String summary;
    public String body;
    public String author;
    public OffsetDateTime publishedAt;
    public OffsetDateTime updatedAt;
    @Version
    public int version;
}
