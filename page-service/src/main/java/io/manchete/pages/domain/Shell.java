package io.manchete.pages.domain;

import java.util.List;

/**
 * What a page skeleton template needs: title, navigation (with the active section), the current
 * hashed asset paths and the slot regions in page order.
 *
 * @param stylesheet path of {@code site.css}, or null when there is none
 * @param script     path of {@code site.js}, or null
 * @param logo       path of {@code logo.svg}, or null
 */
public record Shell(String route, String title, String section, List<NavLink> nav, String stylesheet, String script,
                    String logo, List<Region> regions) {

    /**
     * @param current the {@code aria-current} value: {@code page} on the section's own page,
     *                {@code true} on one of its articles, null elsewhere
     */
    public record NavLink(String slug, String name, String href, String current) {
    }

    /** The slots that one slot row of the layout produced, in order. */
    public record Region(String name, String kind, List<String> slots) {
    }
}
