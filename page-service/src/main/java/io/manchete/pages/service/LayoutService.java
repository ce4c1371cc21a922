package io.manchete.pages.service;

import io.manchete.commons.problem.ProblemException;
import io.manchete.pages.cache.PageCaches;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.Front;
import io.manchete.pages.domain.Layout;
import io.manchete.pages.domain.LayoutComposer;
import io.manchete.pages.domain.NavItem;
import io.manchete.pages.domain.Shell;
import io.manchete.pages.domain.Slugs;
import io.manchete.pages.store.PageStore;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Layouts per route key ({@code home}, {@code section:world}, {@code article:world}): the rendered
 * JSON lives in {@code pages-layouts}; on a miss it is composed from the stored skeleton, the
 * navigation, the front and the current asset index, and rendered with the Qute page templates.
 */
@ApplicationScoped
public class LayoutService {

    @CheckedTemplate(basePath = "layouts")
    static class Templates {
        static native TemplateInstance home(Shell shell);

        static native TemplateInstance section(Shell shell);

        static native TemplateInstance article(Shell shell);
    }

    private final PageCaches caches;
    private final PageStore store;
    private final NavigationService navigation;
    private final FrontService fronts;
    private final AssetService assets;
    private final Json json;
    private final PagesConfig config;

    public LayoutService(PageCaches caches, PageStore store, NavigationService navigation, FrontService fronts,
                         AssetService assets, Json json, PagesConfig config) {
        this.caches = caches;
        this.store = store;
        this.navigation = navigation;
        this.fronts = fronts;
        this.assets = assets;
        this.json = json;
        this.config = config;
    }

    /** The layout JSON of a route kind ({@code section} null for home); 404 problem for an unknown section. */
    public Uni<String> layout(String route, String section) {
        if (section != null && !Slugs.isSlug(section, 60)) {
            return Uni.createFrom().failure(unknownSection(section));
        }
        return caches.readThrough(PageCaches.LAYOUTS, LayoutComposer.key(route, section), config.cache().layoutLifespan(),
                () -> compose(route, section).map(json::write));
    }

    private Uni<Layout> compose(String route, String sectionSlug) {
        return navigation.navigation().chain(nav -> {
            NavItem section = null;
            if (sectionSlug != null) {
                section = LayoutComposer.find(nav, sectionSlug).orElseThrow(() -> unknownSection(sectionSlug));
            }
            NavItem current = section;
            return store.layout(route).chain(definition -> {
                if (definition == null) {
                    return Uni.createFrom().failure(ProblemException.notFound("no layout for route " + route));
                }
                return (definition.front() == null ? Uni.createFrom().<Front>nullItem()
                        : fronts.front(definition.front()))
                        .chain(front -> assets.index().map(index -> LayoutComposer.compose(definition, current, nav, front,
                                index, config.layout().maxAge(), LayoutService::render)));
            });
        });
    }

    static String render(String route, Shell shell) {
        TemplateInstance page = switch (route) {
            case "home" -> Templates.home(shell);
            case "article" -> Templates.article(shell);
            default -> Templates.section(shell);
        };
        return page.render();
    }

    private static ProblemException unknownSection(String section) {
        return ProblemException.notFound("unknown section '" + section + "'");
    }
}
