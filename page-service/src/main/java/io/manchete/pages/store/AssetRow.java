package io.manchete.pages.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

@Entity
@Table(name = "asset")
public class AssetRow {
    @Id
    public String name;
    public String contentType;
    @Column(columnDefinition = "bytea")
    public byte[] content;
    public String hash;
    public OffsetDateTime updatedAt;
}
