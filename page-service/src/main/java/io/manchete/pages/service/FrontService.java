package io.manchete.pages.service;

import io.manchete.pages.cache.PageCaches;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.Front;
import io.manchete.pages.domain.LayoutComposer;
import io.manchete.commons.outbox.PurgeDelivery;
import io.manchete.pages.purge.PurgeTags;
import io.manchete.pages.store.PageStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Fronts: {@code pages-fronts} first; a write commits (with {@code front:{name}} in the purge
 * outbox), refreshes the front, evicts the layouts showing it, then kicks the purge relay.
 */
@ApplicationScoped
public class FrontService {
    private final PageCaches caches;
    private final PageStore store;
    private final NavigationService navigation;
    private final Json json;
    private final PagesConfig config;
    private final PurgeDelivery purges;

    public FrontService(PageCaches caches, PageStore store, NavigationService navigation, Json json, PagesConfig config,
                        PurgeDelivery purges) {
        this.caches = caches;
        this.store = store;
        this.navigation = navigation;
        this.json = json;
        this.config = config;
        this.purges = purges;
    }

    public Uni<Front> front(String name) {
        return caches.readThrough(PageCaches.FRONTS, name, config.cache().frontLifespan(),
                        () -> store.front(name).map(json::write))
                .map(text -> json.read(text, Front.class));
    }

    /**
     * Database first (the front and its purge tag, one transaction); then the cached front is
     * replaced, every layout showing it is evicted, and the gateway is told.
     */
    public Uni<Front> replace(Front front) {
        return store.replaceFront(front, PurgeTags.front(front.name()))
                .chain(() -> store.front(front.name()))
                .call(saved -> caches.put(PageCaches.FRONTS, saved.name(), json.write(saved), config.cache().frontLifespan()))
                .call(saved -> store.routesShowingFront(saved.name())
                        .chain(routes -> routes.isEmpty() ? Uni.createFrom().voidItem()
                                : navigation.navigation().chain(nav -> {
                                    List<String> keys = new ArrayList<>();
                                    routes.forEach(route -> keys.addAll(LayoutComposer.keysFor(route, nav)));
                                    return caches.remove(PageCaches.LAYOUTS, keys);
                                })))
                .invoke(purges::kick);
    }
}
