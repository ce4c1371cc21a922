package io.manchete.pages.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A curated front: for each slot, the article slugs in order. */
public record Front(String name, Map<String, List<String>> slots) {

    public Front {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (slots != null) {
            slots.forEach((slot, slugs) -> copy.put(slot, List.copyOf(slugs)));
        }
        slots = java.util.Collections.unmodifiableMap(copy);
    }

    public List<String> slot(String slot) {
        return slots.getOrDefault(slot, List.of());
    }
}
