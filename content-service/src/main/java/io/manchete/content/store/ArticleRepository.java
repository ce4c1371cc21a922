package io.manchete.content.store;

import io.manchete.commons.outbox.PurgeOutbox;
import io.manchete.content.domain.Article;
import io.manchete.commons.telemetry.DbQueries;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/**
 * Every database round trip of the service goes through here and is counted in
 * {@code manchete.db.queries{service=content}}. Callers open the session or transaction.
 */
@ApplicationScoped
public class ArticleRepository implements PanacheRepositoryBase<Article, Long> {
    private static final Sort NEWEST_FIRST = Sort.by("publishedAt", Sort.Direction.Descending)
            .and("id", Sort.Direction.Descending);

    private final DbQueries queries;

    public ArticleRepository(MeterRegistry registry) {
        this.queries = new DbQueries(registry, "content");
    }

    public Uni<Article> findBySlug(String slug) {
        queries.increment();
        return find("slug", slug).firstResult();
    }

    public Uni<List<Article>> findBySlugs(Collection<String> slugs) {
        queries.increment();
        return list("slug in ?1", List.copyOf(slugs));
    }

    public Uni<Boolean> slugExists(String slug) {
        queries.increment();
        return count("slug", slug).map(n -> n > 0);
    }

    /** Published articles of a section, newest first, without their bodies. */
    public Uni<List<TeaserRow>> listPublished(String section, int page, int size) {
        queries.increment();
        return find("section = ?1 and publishedAt is not null", NEWEST_FIRST, section)
                .project(TeaserRow.class)
                .page(page, size)
                .list();
    }

    /** Inserts a new article (one INSERT, run now so a duplicate slug fails here). */
    public Uni<Article> insert(Article article) {
        queries.increment();
        return persistAndFlush(article);
    }

    /** Writes the changes of a managed article (one versioned UPDATE). */
    public Uni<Article> save(Article article) {
        queries.increment();
        return flush().replaceWith(article);
    }

    /**
     * Records the cache tags a write changes in {@code purge_outbox} (one INSERT), in the current
     * transaction: the purge commits with the write or not at all.
     */
    public Uni<Void> recordPurge(Collection<String> tags) {
        queries.increment();
        return Panache.getSession().chain(session -> PurgeOutbox.record(session, tags));
    }
}
