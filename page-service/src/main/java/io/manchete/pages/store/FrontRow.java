package io.manchete.pages.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

@Entity
@Table(name = "front")
@IdClass(FrontRow.Key.class)
public class FrontRow {
    @Id
    public String name;
    @Id
    public String slot;
    @Id
    public int position;
    public String articleSlug;

    public FrontRow() {
    }

    public FrontRow(String name, String slot, int position, String articleSlug) {
        this.name = name;
        this.slot = slot;
        this.position = position;
        this.articleSlug = articleSlug;
    }

    public static class Key implements Serializable {
        public String name;
        public String slot;
        public int position;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && position == k.position && Objects.equals(name, k.name) && Objects.equals(slot, k.slot);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, slot, position);
        }
    }
}
