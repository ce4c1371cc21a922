package io.manchete.content.service;

import io.manchete.content.api.ArticleJson;
import io.manchete.content.api.TeaserJson;
import io.manchete.content.cache.CacheJson;
import io.manchete.content.cache.CacheKeys;
import io.manchete.content.cache.ContentCache;
import io.manchete.content.cache.Store;
import io.manchete.content.config.ContentConfig;
import io.manchete.content.render.Fragment;
import io.manchete.content.render.FragmentRenderer;
import io.manchete.content.render.TeaserView;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Fragments. The article fragment and section teasers are cached rendered in
 * {@code content-fragments} (section teasers under the section's generation); teasers by slugs are
 * rendered from the article JSON in {@code content-articles} (one getAll), so any article write is
 * visible in them at once without tracking which slug lists contain which article.
 */
@ApplicationScoped
public class FragmentService {
    private final ArticleService articles;
    private final ContentCache cache;
    private final CacheJson json;
    private final ContentConfig.Cache lifespans;

    public FragmentService(ArticleService articles, ContentCache cache, CacheJson json, ContentConfig config) {
        this.articles = articles;
        this.cache = cache;
        this.json = json;
        this.lifespans = config.cache();
    }

    /** The fragment of a published article, or null (unknown or draft). */
    public Uni<Fragment> article(String slug) {
        String key = CacheKeys.articleFragment(slug);
        return cache.get(Store.FRAGMENTS, key).flatMap(cached -> {
            Fragment hit = json.read(cached, Fragment.class);
            if (hit != null) {
                return Uni.createFrom().item(hit);
            }
            return articles.find(slug).flatMap(article -> {
                if (article == null || !article.published()) {
                    return Uni.createFrom().nullItem();
                }
                Fragment fresh = ArticleService.articleFragment(article);
                return cache.putIfAbsent(Store.FRAGMENTS, key, json.write(fresh), lifespans.fragmentLifespan()).replaceWith(fresh);
            });
        });
    }

    /** The newest {@code limit} published teasers of a section. */
    public Uni<Fragment> sectionTeasers(String section, int limit, String heading) {
        return articles.generation(section).flatMap(generation -> {
            String key = CacheKeys.sectionTeasers(section, generation, limit, heading);
            return cache.get(Store.FRAGMENTS, key).flatMap(cached -> {
                Fragment hit = json.read(cached, Fragment.class);
                if (hit != null) {
                    return Uni.createFrom().item(hit);
                }
                return articles.section(section, generation, 0, limit).flatMap(page -> {
                    Fragment fresh = FragmentRenderer.teasers(heading, page.items().stream().map(FragmentService::view).toList(),
                            "section:" + section);
                    return cache.putIfAbsent(Store.FRAGMENTS, key, json.write(fresh), lifespans.fragmentLifespan())
                            .replaceWith(fresh);
                });
            });
        });
    }

    /** Teasers of these slugs in this order; unknown slugs and drafts are skipped, but still tagged. */
    public Uni<Fragment> slugTeasers(List<String> slugs, String heading) {
        LinkedHashSet<String> ordered = new LinkedHashSet<>(slugs);
        String tags = ordered.stream().map(s -> "article:" + s).collect(Collectors.joining(" "));
        return articles.findAll(ordered).map(found -> {
            List<TeaserView> items = ordered.stream()
                    .map(found::get)
                    .filter(Objects::nonNull)
                    .filter(ArticleJson::published)
                    .map(a -> view(a.teaser()))
                    .toList();
            return FragmentRenderer.teasers(heading, items, tags);
        });
    }

    private static TeaserView view(TeaserJson t) {
        return new TeaserView(t.slug(), t.section(), t.title(), t.summary());
    }
}
