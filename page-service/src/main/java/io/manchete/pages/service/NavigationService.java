package io.manchete.pages.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.manchete.pages.cache.PageCaches;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.NavItem;
import io.manchete.pages.store.PageStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The sections, in menu order: {@code pages-navigation} key {@code sections}, the database on a miss. */
@ApplicationScoped
public class NavigationService {
    static final String KEY = "sections";
    private static final TypeReference<List<NavItem>> LIST = new TypeReference<>() {
    };

    private final PageCaches caches;
    private final PageStore store;
    private final Json json;
    private final PagesConfig config;

    public NavigationService(PageCaches caches, PageStore store, Json json, PagesConfig config) {
        this.caches = caches;
        this.store = store;
        this.json = json;
        this.config = config;
    }

    public Uni<List<NavItem>> navigation() {
        return caches.readThrough(PageCaches.NAVIGATION, KEY, config.cache().frontLifespan(),
                        () -> store.sections().map(json::write))
                .map(text -> json.read(text, LIST));
    }
}
