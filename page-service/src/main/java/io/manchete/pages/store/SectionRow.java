package io.manchete.pages.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "section")
public class SectionRow {
    @Id
    public String slug;
    public String name;
    public int position;
}
