package io.manchete.pages.domain;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a stored {@link LayoutDefinition} plus the current navigation, front and asset index into
 * the {@link Layout} the gateway stitches pages with. Pure: the template engine comes in as a function.
 */
public final class LayoutComposer {
    public static final String SITE_NAME = "Manchete";
    public static final String TITLE_SEPARATOR = " · ";

    /** Renders the page skeleton of a route kind. */
    @FunctionalInterface
    public interface ShellRenderer {
        String render(String route, Shell shell);
    }

    private LayoutComposer() {
    }

    /** Cache key of a layout: {@code home}, {@code section:world}, {@code article:world}. */
    public static String key(String route, String section) {
        return section == null ? route : route + ":" + section;
    }

    /**
     * @param section the current section (null for home)
     * @param front   the definition's front (null when it has none)
     */
    public static Layout compose(LayoutDefinition definition, NavItem section, List<NavItem> navigation, Front front,
                                 List<AssetRef> assets, int defaultMaxAge, ShellRenderer renderer) {
        List<Layout.Slot> slots = new ArrayList<>();
        List<Shell.Region> regions = new ArrayList<>();
        for (LayoutDefinition.SlotDefinition row : definition.slots()) {
            List<Layout.Slot> produced = expand(row, section, navigation, front);
            if (!produced.isEmpty()) {
                slots.addAll(produced);
                regions.add(new Shell.Region(row.name(), row.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        produced.stream().map(Layout.Slot::name).toList()));
            }
        }
        String title = section == null ? SITE_NAME : section.name() + TITLE_SEPARATOR + SITE_NAME;
        Map<String, String> paths = assets.stream().collect(Collectors.toMap(AssetRef::name, AssetRef::path, (a, b) -> a));
        String current = section == null ? null : definition.route().equals("section") ? "page" : "true";
        List<Shell.NavLink> nav = navigation.stream()
                .map(item -> new Shell.NavLink(item.slug(), item.name(), "/" + item.slug(),
                        section != null && section.slug().equals(item.slug()) ? current : null))
                .toList();
        Shell shell = new Shell(definition.route(), title, section == null ? null : section.slug(), nav,
                paths.get("site.css"), paths.get("site.js"), paths.get("logo.svg"), regions);
        // Only what page-service itself purges: the shell (assets, navigation) and the front. A
        // section's list of articles is content-service's; its teaser fragment carries section:{s},
        // so an edit re-renders section pages without touching every article page of the section.
        List<String> tags = new ArrayList<>();
        tags.add("shell");
        if (definition.front() != null) {
            tags.add("front:" + definition.front());
        }
        int maxAge = definition.maxAge() == null ? defaultMaxAge : definition.maxAge();
        return new Layout(definition.route(), section == null ? null : section.slug(), title,
                renderer.render(definition.route(), shell), List.copyOf(slots), maxAge, List.copyOf(tags));
    }

    private static List<Layout.Slot> expand(LayoutDefinition.SlotDefinition row, NavItem section, List<NavItem> navigation,
                                            Front front) {
        return switch (row.kind()) {
            case FIXED -> List.of(new Layout.Slot(row.name(), row.service(), row.path(), row.primary()));
            case FRONT -> {
                List<String> slugs = front == null ? List.of()
                        : front.slot(row.name()).stream().filter(Slugs::isSlug).distinct().toList();
                yield slugs.isEmpty() ? List.of() : List.of(new Layout.Slot(row.name(), row.service(),
                        "/fragments/teasers?slugs=" + String.join(",", slugs) + heading(row.heading()), row.primary()));
            }
            case SECTION -> section == null ? List.of()
                    : List.of(new Layout.Slot(row.name(), row.service(), teasers(section, row.limit()), row.primary()));
            case EACH_SECTION -> navigation.stream()
                    .map(item -> new Layout.Slot(row.name() + "-" + item.slug(), row.service(), teasers(item, row.limit()),
                            row.primary()))
                    .toList();
        };
    }

    private static String teasers(NavItem section, Integer limit) {
        return "/fragments/teasers?section=" + encode(section.slug()) + (limit == null ? "" : "&limit=" + limit)
                + heading(section.name());
    }

    private static String heading(String heading) {
        return heading == null || heading.isBlank() ? "" : "&heading=" + encode(heading);
    }

    /** Query-parameter encoding with {@code %20} for spaces. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Narrows the layouts a front feeds: the route keys to evict when that front changes. */
    public static List<String> keysFor(String route, List<NavItem> navigation) {
        return route.equals("home") ? List.of("home")
                : navigation.stream().map(item -> key(route, item.slug())).toList();
    }

    /** The section of a slug, if it is one. */
    public static java.util.Optional<NavItem> find(List<NavItem> navigation, String slug) {
        return navigation.stream().filter(item -> item.slug().equals(slug)).findFirst();
    }

    /** A quoted strong ETag for a text body. */
    public static String etag(String body) {
        return "\"" + AssetNames.sha256Hex(body).substring(0, 20) + "\"";
    }
}
