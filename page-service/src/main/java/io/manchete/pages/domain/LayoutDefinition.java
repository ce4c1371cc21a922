package io.manchete.pages.domain;

import java.util.List;

/**
 * The stored skeleton of a route kind ({@code home}, {@code section}, {@code article}): its slot
 * rows and caching facts. {@link LayoutComposer} turns it into a {@link Layout}.
 *
 * @param front  the front whose slots fill the {@code front} rows (tag {@code front:{front}}), or null
 * @param maxAge the layout's max-age in seconds, or null for the configured default
 */
public record LayoutDefinition(String route, String front, Integer maxAge, List<SlotDefinition> slots) {

    public enum Kind {
        /** one slot, path as stored. */
        FIXED,
        /** one slot of teasers by slug from the front slot of the same name; none if that slot is empty. */
        FRONT,
        /** one slot of the current section's teasers. */
        SECTION,
        /** one slot per section, named {@code {name}-{section}}. */
        EACH_SECTION;

        public static Kind of(String stored) {
            return valueOf(stored.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    public record SlotDefinition(String name, Kind kind, String service, String path, String heading, Integer limit,
                                 boolean primary) {
    }
}
