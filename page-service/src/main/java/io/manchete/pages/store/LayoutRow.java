package io.manchete.pages.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "layout")
public class LayoutRow {
    @Id
    public String route;
    public String front;
    public Integer maxAge;
}
