package io.manchete.gateway.page;

import io.manchete.gateway.cache.CacheResult;
import io.manchete.gateway.cache.FragmentCache;
import io.manchete.gateway.cache.Part;
import io.manchete.gateway.client.FragmentResult;
import io.manchete.gateway.client.Upstream;
import io.manchete.gateway.client.UpstreamGuards;
import io.manchete.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Assembles a page: the layout from page-service, then all its fragments in parallel (each with its
 * own budget), stitched into the template; layout and fragments come through the
 * {@link FragmentCache}, so only those that expired or were purged are fetched. Failure policy:
 * layout missing → 404; layout failed → 503; primary fragment 404/410 → that status; primary
 * 301/308 to a same-site path → the page's redirect; primary failed → 503; secondary failed → a
 * placeholder and the page's max-age drops to the placeholder max-age. A part whose fetch failed but
 * whose last good copy is still inside its stale-if-error window (see {@link FragmentCache}) is used
 * instead — the page then is fresh for the placeholder max-age at most and says so
 * ({@link Assembly.Page#staleParts()}).
 *
 * <p>The page's freshness is the least left among layout and fragments (the layout JSON's
 * {@code maxAge} is an upper bound), its tags the union of theirs, each with the version the part was
 * built from.
 */
@ApplicationScoped
public class PageAssembler {
    private static final Logger LOG = Logger.getLogger(PageAssembler.class);
    static final String TITLE_SUFFIX = " · Manchete";

    private final FragmentCache fragments;
    private final int placeholderMaxAge;
    /** The max-age of a page whose secondary fragment was late (a timeout). */
    private final int lateMaxAge;
    /** How long a "does not exist" answer may be cached at most (and when the upstream said nothing). */
    private final int notFoundMaxAge;

    private final Vertx vertx;
    /** Milliseconds to wait for every fragment before streaming the page; negative: never stream. */
    private final long flushAfterMillis;

    public PageAssembler(FragmentCache fragments, GatewayConfig config, Vertx vertx) {
        this.fragments = fragments;
        this.vertx = vertx;
        this.flushAfterMillis = config.earlyFlush().enabled() ? config.earlyFlush().after().toMillis() : -1;
        this.placeholderMaxAge = (int) Math.min(Integer.MAX_VALUE, config.placeholderMaxAge().toSeconds());
        this.lateMaxAge = (int) Math.min(placeholderMaxAge, config.lateFragmentMaxAge().toSeconds());
        this.notFoundMaxAge = (int) Math.min(Integer.MAX_VALUE, config.pageCache().notFoundMaxAge().toSeconds());
        if (vertx != null) { // without Vert.x (unit tests of the stitching) no timers, so no patience
            patientBudgets(config);
        }
    }

    /** Per upstream: the budget after which a secondary fragment is cut, when its reads may go on longer. */
    private final long[] patientBudgetMillis = java.util.stream.LongStream.generate(() -> -1)
            .limit(Upstream.values().length).toArray();

    private void patientBudgets(GatewayConfig config) {
        for (Upstream upstream : Upstream.values()) {
            GatewayConfig.Service service = switch (upstream) {
                case PAGE -> config.services().page();
                case CONTENT -> config.services().content();
                case COMMENTS -> config.services().comments();
            };
            long budget = Math.max(1, service.timeout().toMillis());
            patientBudgetMillis[upstream.ordinal()] = UpstreamGuards.readLimitMillis(service) > budget ? budget : -1;
        }
    }

    public Uni<Assembly> assemble(PageRoute route, String section, String slug) {
        return assemble(route, section, slug, null);
    }

    /**
     * Assembles the page; {@code flush} (may be null) is told the layout's preload {@code Link} header
     * value as soon as the layout is known, before any fragment is fetched (for {@code 103 Early
     * Hints}; not when the layout has no assets to preload), and gets the page piece by piece when a
     * secondary fragment is late (see the class comment). The assembly is the whole page either way.
     */
    public Uni<Assembly> assemble(PageRoute route, String section, String slug, PageFlush flush) {
        return fragments.get(Upstream.PAGE, FragmentCache.LAYOUT_SLOT, route.layoutPath(section))
                .flatMap(layoutPart -> withLayout(route, section, slug, layoutPart, flush));
    }

    private Uni<Assembly> withLayout(PageRoute route, String section, String slug, Part layoutPart,
                                     PageFlush flush) {
        FragmentResult layoutResult = layoutPart.result();
        ServerTiming timing = new ServerTiming().add("layout", layoutResult.nanos(), null);
        if (layoutResult.outcome() == FragmentResult.Outcome.NOT_FOUND) {
            int maxAge = notFoundMaxAge(layoutResult);
            return Uni.createFrom().item(new Assembly.Unavailable(404, "no layout for this page", maxAge, "",
                    timing.toString(), Map.of(), maxAge > 0));
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
        String links = Preloads.links(layout.template());
        if (flush != null && links != null) {
            try {
                flush.hints(links);
            } catch (RuntimeException e) {
                LOG.debugf("Early hints not sent: %s", e.toString());
            }
        }
        List<Layout.Slot> slots = layout.slots();
        if (slots.isEmpty()) {
            return Uni.createFrom().item(build(layout, layoutPart, List.of(), timing, links));
        }
        List<Uni<Part>> fetches = new ArrayList<>(slots.size());
        for (Layout.Slot slot : slots) {
            Upstream upstream = Upstream.byServiceName(slot.service());
            if (upstream == null) {
                LOG.warnf("Layout slot %s names an unknown service %s", slot.name(), slot.service());
                fetches.add(Uni.createFrom().item(Part.fetched(FragmentResult.failed(null, slot.name(),
                        new IllegalArgumentException("unknown service"), 0), null, CacheResult.BYPASS)));
            } else {
                fetches.add(fragments.get(upstream, slot.name(), SlotPaths.expand(slot.path(), section, slug)));
            }
        }
        patience(slots, fetches);
        if (flush == null || flushAfterMillis < 0 || vertx == null) {
            return Uni.combine().all().unis(fetches).with(results -> {
                List<Part> typed = new ArrayList<>(results.size());
                for (Object result : results) {
                    typed.add((Part) result);
                }
                return build(layout, layoutPart, typed, timing, links);
            });
        }
        return streamed(layout, layoutPart, fetches, timing, links, flush);
    }

    /**
     * Patience with late secondary fragments: a secondary whose upstream has a late limit beyond its
     * budget is not cut at its budget while a primary fragment has not arrived yet — the page cannot
     * be answered before its primary anyway, so waiting costs the reader nothing. It is cut (shown as
     * a placeholder) once its budget has passed and every primary is in; its fetch still completes in
     * the background, up to the late limit, and fills the fragment cache for the next build.
     */
    private void patience(List<Layout.Slot> slots, List<Uni<Part>> fetches) {
        if (vertx == null) {
            return;
        }
        CompletableFuture<Void> primariesIn = null;
        for (int i = 0; i < slots.size(); i++) {
            Layout.Slot slot = slots.get(i);
            Upstream upstream = Upstream.byServiceName(slot.service());
            if (slot.primary() || upstream == null || patientBudgetMillis[upstream.ordinal()] < 0) {
                continue;
            }
            if (primariesIn == null) {
                primariesIn = primariesIn(slots, fetches);
            }
            fetches.set(i, patient(fetches.get(i), upstream, slot.name(), patientBudgetMillis[upstream.ordinal()],
                    primariesIn));
        }
    }

    /**
     * A secondary that was late (past its budget, not refused, failed or shed by an open breaker): its
     * service is up, and what it was asked is likely in its cache soon (the services finish a read
     * the gateway gave up on), so the page is fresh again soon.
     */
    private static boolean late(FragmentResult result) {
        return result.outcome() == FragmentResult.Outcome.TIMEOUT;
    }

    /** Completes when every primary fetch has an answer (at once when the layout has no primary). */
    private static CompletableFuture<Void> primariesIn(List<Layout.Slot> slots, List<Uni<Part>> fetches) {
        CompletableFuture<Void> in = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger();
        for (Layout.Slot slot : slots) {
            if (slot.primary()) {
                left.incrementAndGet();
            }
        }
        if (left.get() == 0) {
            in.complete(null);
            return in;
        }
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).primary()) {
                fetches.set(i, fetches.get(i).onItemOrFailure().invoke((part, failure) -> {
                    if (left.decrementAndGet() == 0) {
                        in.complete(null);
                    }
                }));
            }
        }
        return in;
    }

    /** The secondary's part, or a timeout once its budget has passed and the primaries are in. */
    private Uni<Part> patient(Uni<Part> fetch, Upstream upstream, String slotName, long budgetMillis,
                              CompletableFuture<Void> primariesIn) {
        return Uni.createFrom().emitter(emitter -> {
            long start = System.nanoTime();
            AtomicBoolean answered = new AtomicBoolean();
            AtomicLong timer = new AtomicLong(-1);
            fetch.subscribe().with(part -> {
                if (answered.compareAndSet(false, true)) {
                    long id = timer.getAndSet(-2);
                    if (id >= 0) {
                        vertx.cancelTimer(id);
                    }
                    emitter.complete(part);
                }
            }, failure -> {
                if (answered.compareAndSet(false, true)) {
                    emitter.fail(failure);
                }
            });
            if (answered.get()) {
                return; // from the near cache: no timer
            }
            long id = vertx.setTimer(budgetMillis, ignored -> primariesIn.whenComplete((done, failure) -> {
                if (answered.compareAndSet(false, true)) {
                    emitter.complete(Part.fetched(FragmentResult.failed(upstream, slotName,
                            new TimeoutException("past its budget, and the primary fragment is in"),
                            System.nanoTime() - start), null, CacheResult.MISS));
                }
            }));
            if (!timer.compareAndSet(-1, id)) {
                vertx.cancelTimer(id); // answered meanwhile
            }
        });
    }

    /**
     * Fetches the parts, handing each to an {@link EarlyFlush} as it arrives; the flush timer starts
     * only when some part did not arrive at once (a page whose parts all come from the near cache
     * costs no timer).
     */
    private Uni<Assembly> streamed(Layout layout, Part layoutPart, List<Uni<Part>> fetches, ServerTiming timing,
                                   String links, PageFlush flush) {
        return Uni.createFrom().emitter(emitter -> {
            EarlyFlush early = new EarlyFlush(flush, layout, layoutPart, placeholderMaxAge, links);
            int count = fetches.size();
            Part[] parts = new Part[count];
            AtomicInteger left = new AtomicInteger(count);
            AtomicLong timer = new AtomicLong(-1);
            for (int i = 0; i < count; i++) {
                int slot = i;
                fetches.get(i).subscribe().with(part -> {
                    parts[slot] = part;
                    early.arrived(slot, part);
                    if (left.decrementAndGet() == 0) {
                        long id = timer.getAndSet(-2);
                        if (id >= 0) {
                            vertx.cancelTimer(id);
                        }
                        early.finish();
                        Assembly assembly;
                        try {
                            assembly = build(layout, layoutPart, List.of(parts), timing, links);
                        } catch (RuntimeException e) {
                            emitter.fail(e);
                            return;
                        }
                        emitter.complete(assembly);
                    }
                }, emitter::fail);
            }
            if (left.get() > 0) {
                long id = vertx.setTimer(Math.max(1, flushAfterMillis), ignored -> early.due());
                if (!timer.compareAndSet(-1, id)) {
                    vertx.cancelTimer(id); // everything arrived meanwhile
                }
            }
        });
    }

    /**
     * Stitches the page from fresh upstream answers (no cache involved: the layout's freshness is its
     * JSON {@code maxAge}, no tag versions are known). Pure: unit-testable.
     */
    Assembly build(Layout layout, List<FragmentResult> results, ServerTiming timing) {
        Part layoutPart = new Part(new FragmentResult(Upstream.PAGE, "layout", FragmentResult.Outcome.OK, 200, "",
                null, null, null, 0), -1, 0, 0, Map.of(), false, CacheResult.MISS);
        List<Part> parts = new ArrayList<>(results.size());
        for (FragmentResult result : results) {
            parts.add(Part.fetched(result, Map.of(), CacheResult.MISS));
        }
        return build(layout, layoutPart, parts, timing);
    }

    /** Stitches the page from the layout and one part per slot (same order). Pure: unit-testable. */
    Assembly build(Layout layout, Part layoutPart, List<Part> parts, ServerTiming timing) {
        return build(layout, layoutPart, parts, timing, null);
    }

    Assembly build(Layout layout, Part layoutPart, List<Part> parts, ServerTiming timing, String links) {
        List<Layout.Slot> slots = layout.slots();
        Set<String> tags = new LinkedHashSet<>(layout.tags());
        tags.addAll(FragmentCache.tags(layoutPart.result().surrogateKey()));
        Versions versions = new Versions();
        versions.merge(layoutPart.versions());
        boolean layoutCacheable = layoutPart.cacheable() && versions.covers(tags);
        boolean cacheable = layoutCacheable;
        boolean personal = layoutPart.personal();
        long maxAge = layoutPart.maxAge() >= 0 ? Math.min(layout.maxAge(), layoutPart.maxAge()) : layout.maxAge();
        int staleWhileRevalidate = layoutPart.staleWhileRevalidate();
        int staleIfError = layoutPart.staleIfError();
        Map<String, String> html = new HashMap<>(slots.size() * 2);
        String title = null;
        Assembly primaryProblem = null;
        StringBuilder stale = null;
        if (layoutPart.stale()) {
            stale = new StringBuilder("layout");
            maxAge = Math.min(maxAge, placeholderMaxAge);
        }
        for (int i = 0; i < slots.size(); i++) {
            Layout.Slot slot = slots.get(i);
            Part part = parts.get(i);
            FragmentResult result = part.result();
            // why a part is missing or old: "comments timeout", "content breaker_open", "comments stale-if-error"
            timing.add("frag-" + slot.name(), result.nanos(), slot.service() == null ? null
                    : part.stale() ? slot.service() + " stale-if-error"
                    : result.ok() || result.outcome() == FragmentResult.Outcome.NOT_FOUND
                            || result.outcome() == FragmentResult.Outcome.REDIRECT ? slot.service()
                    : slot.service() + " " + result.outcome().tag());
            if (result.ok()) {
                if (part.stale()) {
                    stale = stale == null ? new StringBuilder(slot.name()) : stale.append(' ').append(slot.name());
                    maxAge = Math.min(maxAge, placeholderMaxAge);
                }
                html.put(slot.name(), result.body());
                maxAge = Math.min(maxAge, Math.max(0, part.maxAge()));
                staleWhileRevalidate = Math.min(staleWhileRevalidate, part.staleWhileRevalidate());
                staleIfError = Math.min(staleIfError, part.staleIfError());
                tags.addAll(FragmentCache.tags(result.surrogateKey()));
                cacheable &= part.cacheable();
                personal |= part.personal();
                versions.merge(part.versions());
                if (slot.primary() && title == null) {
                    title = decodeTitle(result.title());
                }
            } else if (slot.primary()) {
                if (primaryProblem == null) {
                    if (result.outcome() == FragmentResult.Outcome.NOT_FOUND) {
                        tags.addAll(FragmentCache.tags(result.surrogateKey()));
                        int notFound = (int) Math.min(layout.maxAge(), notFoundMaxAge(result));
                        primaryProblem = new Assembly.Unavailable(result.status(), "primary fragment not found",
                                notFound, null, null, layoutPart.versions() == null ? Map.of() : layoutPart.versions(),
                                layoutCacheable && notFound > 0);
                    } else if (result.outcome() == FragmentResult.Outcome.REDIRECT && isSameSitePath(result.location())) {
                        tags.addAll(FragmentCache.tags(result.surrogateKey()));
                        int redirectMaxAge = (int) Math.min(layout.maxAge(), notFoundMaxAge(result));
                        primaryProblem = new Assembly.Redirect(result.status(), result.location(), redirectMaxAge, null,
                                null, layoutPart.versions() == null ? Map.of() : layoutPart.versions(),
                                layoutCacheable && redirectMaxAge > 0);
                    } else {
                        LOG.debugf("Primary fragment %s failed: %s %d", slot.name(), result.outcome(), result.status());
                        primaryProblem = new Assembly.Unavailable(503, "primary fragment " + result.outcome().tag(), 0,
                                null, null);
                    }
                }
            } else {
                html.put(slot.name(), placeholder(slot.name()));
                maxAge = Math.min(maxAge, late(result) ? lateMaxAge : placeholderMaxAge);
            }
        }
        if (primaryProblem instanceof Assembly.Redirect redirect) {
            return new Assembly.Redirect(redirect.status(), redirect.location(), redirect.maxAge(),
                    String.join(" ", tags), timing.toString(), redirect.versions(), redirect.cacheable());
        }
        if (primaryProblem instanceof Assembly.Unavailable problem) {
            return new Assembly.Unavailable(problem.status(), problem.reason(), problem.maxAge(),
                    String.join(" ", tags), timing.toString(), problem.versions(), problem.cacheable());
        }
        cacheable &= !personal && !versions.conflict && versions.covers(tags) && maxAge > 0;
        String titleHtml = title != null ? Html.escape(title) + TITLE_SUFFIX : Html.escape(layout.title());
        byte[] body = Stitcher.stitch(layout.template(), html, titleHtml).getBytes(StandardCharsets.UTF_8);
        return new Assembly.Page(body, ETags.strong(body), (int) Math.max(0, maxAge), String.join(" ", tags),
                timing.toString(), Math.max(0, staleWhileRevalidate), Math.max(0, staleIfError),
                cacheable ? versions.inOrderOf(tags) : Map.of(), cacheable, personal,
                stale == null ? null : stale.toString(), links);
    }

    /**
     * A redirect target the gateway passes on: a path on this site ({@code /…}, not {@code //…}), no
     * whitespace, control characters or backslashes, at most 2048 characters.
     */
    static boolean isSameSitePath(String location) {
        if (location == null || location.isEmpty() || location.length() > 2048 || location.charAt(0) != '/'
                || (location.length() > 1 && (location.charAt(1) == '/' || location.charAt(1) == '\\'))) {
            return false;
        }
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Tag versions gathered from the parts; two parts built from different versions of a tag conflict. */
    private static final class Versions {
        final Map<String, String> byTag = new HashMap<>();
        boolean conflict;

        void merge(Map<String, String> versions) {
            if (versions == null) {
                return;
            }
            for (Map.Entry<String, String> version : versions.entrySet()) {
                String before = byTag.putIfAbsent(version.getKey(), version.getValue());
                if (before != null && !before.equals(version.getValue())) {
                    conflict = true;
                }
            }
        }

        boolean covers(Set<String> tags) {
            return byTag.keySet().containsAll(tags);
        }

        Map<String, String> inOrderOf(Set<String> tags) {
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String tag : tags) {
                ordered.put(tag, byTag.get(tag));
            }
            return ordered;
        }
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

    /** The upstream's shared max-age for a "not found", at most the configured one (which is also the default). */
    private int notFoundMaxAge(FragmentResult result) {
        return (int) Math.min(notFoundMaxAge, CacheControl.parse(result.cacheControl()).sharedMaxAge(notFoundMaxAge));
    }
}
