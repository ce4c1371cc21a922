package io.manchete.pages.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What the gateway gets for a route: the whole page as a template with one
 * {@code <!--manchete:slot:NAME-->} marker per slot, the fragments that fill the slots, and the
 * layout's own caching facts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Layout(String route, String section, String title, String template, List<Slot> slots, int maxAge,
                     List<String> tags) {

    public static final String TITLE_MARKER = "<!--manchete:title-->";

    public static String slotMarker(String slot) {
        return "<!--manchete:slot:" + slot + "-->";
    }

    /** A fragment of the page: which service, which path ({@code {slug}}/{@code {section}} left for the gateway). */
    public record Slot(String name, String service, String path, boolean primary) {
    }
}
