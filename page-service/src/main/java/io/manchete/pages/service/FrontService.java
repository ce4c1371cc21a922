package io.manchete.pages.service;

import io.manchete.pages.cache.PageCaches;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.Front;
import io.manchete.pages.domain.LayoutComposer;
import io.manchete.pages.store.PageStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Fronts: {@code pages-fronts} first; a write commits, refreshes the front and evicts the layouts showing it. */
@ApplicationScoped
public class FrontService {
    private final PageCaches caches;
    private final PageStore store;
    private final NavigationService navigation;
    private final Json json;
    private final PagesConfig config;

    public FrontService(PageCaches caches, PageStore store, NavigationService navigation, Json json, PagesConfig config) {
        this.caches = caches;
        this.store = store;
        this.navigation = navigation;
        this.json = json;
        this.config = config;
    }

    public Uni<Front> front(String name) {
        return caches.readThrough(PageCaches.FRONTS, name, config.cache().frontLifespan(),
                        () -> store.front(name).map(json::write))
                .map(text -> json.read(text, Front.class));
    }

    /** Database first; then the cached front is replaced and every layout showing it is evicted. */
    public Uni<Front> replace(Front front) {
        return store.replaceFront(front)
                .chain(() -> store.front(front.name()))
                .call(saved -> caches.put(PageCaches.FRONTS, saved.name(), json.write(saved), config.cache().frontLifespan()))
                .call(saved -> store.routesShowingFront(saved.name())
                        .chain(routes -> routes.isEmpty() ? Uni.createFrom().voidItem()
                                : navigation.navigation().chain(nav -> {
                                    List<String> keys = new ArrayList<>();
                                    routes.forEach(route -> keys.addAll(LayoutComposer.keysFor(route, nav)));
                                    return caches.remove(PageCaches.LAYOUTS, keys);
                                })));
    }
}
