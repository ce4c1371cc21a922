package io.manchete.pages.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

@Entity
@Table(name = "layout_slot")
@IdClass(LayoutSlotRow.Key.class)
public class LayoutSlotRow {
    @Id
    public String route;
    @Id
    public int position;
    public String name;
    public String kind;
    public String service;
    public String path;
    public String heading;
    public Integer itemLimit;
    public boolean isPrimary;

    public static class Key implements Serializable {
        public String route;
        public int position;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && position == k.position && Objects.equals(route, k.route);
        }

        @Override
        public int hashCode() {
            return Objects.hash(route, position);
        }
    }
}
