package io.manchete.gateway.page;

import io.manchete.gateway.client.FragmentClient;
import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles a page: the layout from page-service, then all its fragments in parallel (each with its
 * own budget), stitched into the template. Failure policy: layout missing → 404; layout failed →
 * 503; primary fragment 404/410 → that status; primary failed → 503; secondary failed → a
 * placeholder and the page's max-age drops to the placeholder max-age.
 */
@ApplicationScoped
public class PageAssembler {
    private static final Logger LOG = Logger.getLogger(PageAssembler.class);
    static final String TITLE_SUFFIX = " · Manchete";
    /** How long a "does not exist" answer may be cached when the upstream said nothing. */
    static final int NOT_FOUND_MAX_AGE = 10;

    private final FragmentClient fragments;
    private final int placeholderMaxAge;

    public PageAssembler(FragmentClient fragments, GatewayConfig config) {
        this.fragments = fragments;
        this.placeholderMaxAge = (int) Math.min(Integer.MAX_VALUE, config.placeholderMaxAge().toSeconds());
    }

    public Uni<Assembly> assemble(PageRoute route, String section, String slug) {
        return fragments.fetch(Upstream.PAGE, "layout", route.layoutPath(section))
                .flatMap(layoutResult -> withLayout(route, section, slug, layoutResult));
    }

    private Uni<Assembly> withLayout(PageRoute route, String section, String slug, FragmentResult layoutResult) {
        ServerTiming timing = new ServerTiming().add("layout", layoutResult.nanos(), null);
        if (layoutResult.outcome() == FragmentResult.Outcome.NOT_FOUND) {
            return Uni.createFrom().item(new Assembly.Unavailable(404, "no layout for this page",
                    maxAgeOf(layoutResult, NOT_FOUND_MAX_AGE), "", timing.toString()));
        }
        if (!layoutResult.ok()) {
            return Uni.createFrom().item(new Assembly.Unavailable(503, "layout " + layoutResult.outcome().tag(), 0, "",
                    timing.toString()));
        }
        Layout layout;
        try {
            layout = Layout.fromJson(layoutResult.body());
        } catch (IllegalArgumentException e) {
            LOG.warnf("Unusable layout for %s %s: %s", route.tag(), section, e.getMessage());
            return Uni.createFrom().item(new Assembly.Unavailable(503, "layout unusable", 0, "", timing.toString()));
        }
        List<Layout.Slot> slots = layout.slots();
        if (slots.isEmpty()) {
            return Uni.createFrom().item(build(layout, List.of(), timing));
        }
        List<Uni<FragmentResult>> fetches = new ArrayList<>(slots.size());
        for (Layout.Slot slot : slots) {
            Upstream upstream = Upstream.byServiceName(slot.service());
            if (upstream == null) {
                LOG.warnf("Layout slot %s names an unknown service %s", slot.name(), slot.service());
                fetches.add(Uni.createFrom().item(FragmentResult.failed(null, slot.name(),
                        new IllegalArgumentException("unknown service"), 0)));
            } else {
                fetches.add(fragments.fetch(upstream, slot.name(), SlotPaths.expand(slot.path(), section, slug)));
            }
        }
        return Uni.combine().all().unis(fetches).with(results -> {
            List<FragmentResult> typed = new ArrayList<>(results.size());
            for (Object result : results) {
                typed.add((FragmentResult) result);
            }
            return build(layout, typed, timing);
        });
    }

    /** Stitches the page from the layout and one result per slot (same order). Pure: unit-testable. */
    Assembly build(Layout layout, List<FragmentResult> results, ServerTiming timing) {
        List<Layout.Slot> slots = layout.slots();
        Set<String> tags = new LinkedHashSet<>(layout.tags());
        long maxAge = layout.maxAge();
        Map<String, String> html = new HashMap<>(slots.size() * 2);
        String title = null;
        Assembly.Unavailable primaryProblem = null;
        for (int i = 0; i < slots.size(); i++) {
            Layout.Slot slot = slots.get(i);
            FragmentResult result = results.get(i);
            timing.add("frag-" + slot.name(), result.nanos(), slot.service());
            if (result.ok()) {
                html.put(slot.name(), result.body());
                maxAge = Math.min(maxAge, CacheControl.parse(result.cacheControl()).sharedMaxAge(0));
                addTags(tags, result.surrogateKey());
                if (slot.primary() && title == null) {
                    title = decodeTitle(result.title());
                }
            } else if (slot.primary()) {
                if (primaryProblem == null) {
                    if (result.outcome() == FragmentResult.Outcome.NOT_FOUND) {
                        addTags(tags, result.surrogateKey());
                        primaryProblem = new Assembly.Unavailable(result.status(), "primary fragment not found",
                                (int) Math.min(layout.maxAge(), maxAgeOf(result, NOT_FOUND_MAX_AGE)), null, null);
                    } else {
                        LOG.debugf("Primary fragment %s failed: %s %d", slot.name(), result.outcome(), result.status());
                        primaryProblem = new Assembly.Unavailable(503, "primary fragment " + result.outcome().tag(), 0,
                                null, null);
                    }
                }
            } else {
                html.put(slot.name(), placeholder(slot.name()));
                maxAge = Math.min(maxAge, placeholderMaxAge);
            }
        }
        if (primaryProblem != null) {
            return new Assembly.Unavailable(primaryProblem.status(), primaryProblem.reason(), primaryProblem.maxAge(),
                    String.join(" ", tags), timing.toString());
        }
        String titleHtml = title != null ? Html.escape(title) + TITLE_SUFFIX : Html.escape(layout.title());
        byte[] body = Stitcher.stitch(layout.template(), html, titleHtml).getBytes(StandardCharsets.UTF_8);
        return new Assembly.Page(body, ETags.strong(body), (int) Math.max(0, maxAge), String.join(" ", tags),
                timing.toString());
    }

    static String placeholder(String slotName) {
        return "<div class=\"fragment-unavailable\" data-slot=\"" + Html.escape(slotName)
                + "\">This part of the page is unavailable right now.</div>";
    }

    /** The percent-decoded {@code Fragment-Title}, or {@code null} when absent, blank or malformed. */
    static String decodeTitle(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return null;
        }
        try {
            String decoded = URLDecoder.decode(encoded, StandardCharsets.UTF_8).strip();
            return decoded.isEmpty() ? null : decoded;
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static int maxAgeOf(FragmentResult result, int otherwise) {
        return (int) Math.min(Integer.MAX_VALUE, CacheControl.parse(result.cacheControl()).sharedMaxAge(otherwise));
    }

    private static void addTags(Set<String> tags, String surrogateKey) {
        if (surrogateKey == null || surrogateKey.isEmpty()) {
            return;
        }
        int i = 0;
        int length = surrogateKey.length();
        while (i < length) {
            while (i < length && Character.isWhitespace(surrogateKey.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < length && !Character.isWhitespace(surrogateKey.charAt(i))) {
                i++;
            }
            if (i > start) {
                tags.add(surrogateKey.substring(start, i));
            }
        }
    }
}
