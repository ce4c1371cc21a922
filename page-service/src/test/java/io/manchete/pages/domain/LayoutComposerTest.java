package io.manchete.pages.domain;

import io.manchete.pages.domain.LayoutDefinition.Kind;
import io.manchete.pages.domain.LayoutDefinition.SlotDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayoutComposerTest {
    private static final List<NavItem> NAV = List.of(new NavItem("world", "World"), new NavItem("big-ideas", "Big Ideas"));
    private static final List<AssetRef> ASSETS = List.of(
            new AssetRef("site.css", "text/css", "a".repeat(64)),
            new AssetRef("site.js", "text/javascript", "b".repeat(64)),
            new AssetRef("logo.svg", "image/svg+xml", "c".repeat(64)));

    private static final LayoutDefinition HOME = new LayoutDefinition("home", "home", null, List.of(
            new SlotDefinition("top", Kind.FRONT, "content", null, "Top stories", null, false),
            new SlotDefinition("more", Kind.FRONT, "content", null, "More news", null, false),
            new SlotDefinition("latest", Kind.EACH_SECTION, "content", null, null, 5, false)));
    private static final LayoutDefinition SECTION = new LayoutDefinition("section", null, 120, List.of(
            new SlotDefinition("main", Kind.SECTION, "content", null, null, 30, true)));
    private static final LayoutDefinition ARTICLE = new LayoutDefinition("article", null, null, List.of(
            new SlotDefinition("main", Kind.FIXED, "content", "/fragments/article/{slug}", null, null, true),
            new SlotDefinition("comments", Kind.FIXED, "comments", "/fragments/comments/{slug}?section={section}", null, null, false)));

    private final AtomicReference<Shell> rendered = new AtomicReference<>();

    private String render(String route, Shell shell) {
        rendered.set(shell);
        return "<!--" + route + "-->";
    }

    @Test
    void homeHasFrontSlotsThenOneTeaserSlotPerSection() {
        Front front = new Front("home", Map.of("top", List.of("a-1", "b-2"), "more", List.of("c")));
        Layout layout = LayoutComposer.compose(HOME, null, NAV, front, ASSETS, 300, this::render);

        assertEquals(List.of(
                new Layout.Slot("top", "content", "/fragments/teasers?slugs=a-1,b-2&heading=Top%20stories", false),
                new Layout.Slot("more", "content", "/fragments/teasers?slugs=c&heading=More%20news", false),
                new Layout.Slot("latest-world", "content", "/fragments/teasers?section=world&limit=5&heading=World", false),
                new Layout.Slot("latest-big-ideas", "content", "/fragments/teasers?section=big-ideas&limit=5&heading=Big%20Ideas", false)),
                layout.slots());
        assertEquals("home", layout.route());
        assertNull(layout.section());
        assertEquals("Manchete", layout.title());
        assertEquals(300, layout.maxAge());
        assertEquals(List.of("shell", "front:home"), layout.tags());
        assertEquals("<!--home-->", layout.template());
        assertTrue(layout.slots().stream().noneMatch(Layout.Slot::primary));
    }

    @Test
    void anEmptyFrontSlotIsLeftOutAndBadStoredSlugsAreSkipped() {
        Front front = new Front("home", Map.of("top", List.of("Not A Slug", "ok", "ok")));
        Layout layout = LayoutComposer.compose(HOME, null, NAV, front, ASSETS, 300, this::render);
        assertEquals("/fragments/teasers?slugs=ok&heading=Top%20stories", layout.slots().get(0).path());
        assertEquals(List.of("top", "latest-world", "latest-big-ideas"), layout.slots().stream().map(Layout.Slot::name).toList());
        assertEquals(List.of("top", "latest"), rendered.get().regions().stream().map(Shell.Region::name).toList());

        Layout empty = LayoutComposer.compose(HOME, null, NAV, null, ASSETS, 300, this::render);
        assertEquals(List.of("latest-world", "latest-big-ideas"), empty.slots().stream().map(Layout.Slot::name).toList());
    }

    @Test
    void sectionHasItsTeasersAsThePrimarySlot() {
        Layout layout = LayoutComposer.compose(SECTION, NAV.get(1), NAV, null, ASSETS, 300, this::render);
        assertEquals(List.of(new Layout.Slot("main", "content",
                "/fragments/teasers?section=big-ideas&limit=30&heading=Big%20Ideas", true)), layout.slots());
        assertEquals("big-ideas", layout.section());
        assertEquals("Big Ideas · Manchete", layout.title());
        assertEquals(120, layout.maxAge(), "the stored max-age wins over the default");
        assertEquals(List.of("shell"), layout.tags());
        assertEquals(List.of(new Shell.NavLink("world", "World", "/world", null),
                new Shell.NavLink("big-ideas", "Big Ideas", "/big-ideas", "page")), rendered.get().nav());
    }

    @Test
    void articleKeepsTheGatewayPlaceholders() {
        Layout layout = LayoutComposer.compose(ARTICLE, NAV.get(0), NAV, null, ASSETS, 300, this::render);
        assertEquals(List.of(
                new Layout.Slot("main", "content", "/fragments/article/{slug}", true),
                new Layout.Slot("comments", "comments", "/fragments/comments/{slug}?section={section}", false)), layout.slots());
        assertEquals(List.of("shell"), layout.tags());
        assertEquals("true", rendered.get().nav().get(0).current(), "an article marks its section as the current one");
        assertNull(rendered.get().nav().get(1).current());
    }

    @Test
    void theShellLinksTheCurrentHashedAssets() {
        LayoutComposer.compose(ARTICLE, NAV.get(0), NAV, null, ASSETS, 300, this::render);
        Shell shell = rendered.get();
        assertEquals("/assets/site.aaaaaaaaaa.css", shell.stylesheet());
        assertEquals("/assets/site.bbbbbbbbbb.js", shell.script());
        assertEquals("/assets/logo.cccccccccc.svg", shell.logo());

        LayoutComposer.compose(ARTICLE, NAV.get(0), NAV, null, List.of(), 300, this::render);
        assertNull(rendered.get().stylesheet(), "a missing asset is left out, not linked to a dead path");
    }

    @Test
    void keysAndEtags() {
        assertEquals("home", LayoutComposer.key("home", null));
        assertEquals("article:world", LayoutComposer.key("article", "world"));
        assertEquals(List.of("home"), LayoutComposer.keysFor("home", NAV));
        assertEquals(List.of("section:world", "section:big-ideas"), LayoutComposer.keysFor("section", NAV));
        assertEquals(LayoutComposer.etag("x"), LayoutComposer.etag("x"));
        assertFalse(LayoutComposer.etag("x").equals(LayoutComposer.etag("y")));
        assertTrue(LayoutComposer.etag("x").matches("\"[0-9a-f]{20}\""));
    }
}
