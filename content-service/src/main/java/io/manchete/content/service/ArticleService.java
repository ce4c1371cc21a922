package io.manchete.content.service;

import io.manchete.commons.problem.ProblemException;
import io.manchete.content.api.ArticleJson;
import io.manchete.content.api.ArticleUpdate;
import io.manchete.content.api.NewArticle;
import io.manchete.content.api.SectionPage;
import io.manchete.content.api.TeaserJson;
import io.manchete.content.cache.CacheJson;
import io.manchete.content.cache.CacheKeys;
import io.manchete.content.cache.ContentCache;
import io.manchete.content.cache.Store;
import io.manchete.content.config.ContentConfig;
import io.manchete.content.domain.Article;
import io.manchete.content.domain.Preconditions;
import io.manchete.commons.outbox.PurgeDelivery;
import io.manchete.content.render.Fragment;
import io.manchete.content.render.FragmentRenderer;
import io.manchete.content.store.ArticleRepository;
import io.manchete.content.store.DatabaseTrouble;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Articles: reads go to {@code content-articles} first and to PostgreSQL on a miss (then fill the
 * cache without overwriting); writes commit to PostgreSQL, then put the fresh article JSON and
 * article fragment into the caches and move the section generation so every list and teaser of the
 * section is rebuilt on its next read.
 *
 * <p>Active expiration: a write that changes what readers see (update or publish of a published
 * article) records the tags it changes ({@code article:{slug}}, {@code section:{section}} and the
 * old section when the article moved) in {@code purge_outbox} in its own transaction, and kicks the
 * relay once its commit and the cache refresh are done. Drafts are never public: creating or
 * editing one records nothing.
 */
@ApplicationScoped
public class ArticleService {
    private static final Logger LOG = Logger.getLogger(ArticleService.class);

    private final ArticleRepository repository;
    private final ContentCache cache;
    private final CacheJson json;
    private final ContentConfig.Cache lifespans;
    private final PurgeDelivery purges;

    public ArticleService(ArticleRepository repository, ContentCache cache, CacheJson json, ContentConfig config,
            PurgeDelivery purges) {
        this.repository = repository;
        this.cache = cache;
        this.json = json;
        this.lifespans = config.cache();
        this.purges = purges;
    }

    // ---- reads

    /** The article (draft or published), or null. */
    public Uni<ArticleJson> find(String slug) {
        return cache.get(Store.ARTICLES, CacheKeys.article(slug)).flatMap(cached -> {
            ArticleJson hit = json.read(cached, ArticleJson.class);
            if (hit != null) {
                return Uni.createFrom().item(hit);
            }
            return inSession(() -> repository.findBySlug(slug))
                    .map(found -> found == null ? null : ArticleJson.of(found))
                    .call(found -> found == null ? Uni.createFrom().voidItem()
                            : cache.putIfAbsent(Store.ARTICLES, CacheKeys.article(slug), json.write(found),
                                    lifespans.articleLifespan()));
        });
    }

    /** The articles found among these slugs (drafts included), by slug; one cache call, one query for the misses. */
    public Uni<Map<String, ArticleJson>> findAll(Set<String> slugs) {
        return cache.getAll(Store.ARTICLES, slugs).flatMap(cached -> {
            Map<String, ArticleJson> found = new LinkedHashMap<>();
            cached.forEach((slug, text) -> {
                ArticleJson article = json.read(text, ArticleJson.class);
                if (article != null) {
                    found.put(slug, article);
                }
            });
            Set<String> missing = new LinkedHashSet<>(slugs);
            missing.removeAll(found.keySet());
            if (missing.isEmpty()) {
                return Uni.createFrom().item(found);
            }
            return inSession(() -> repository.findBySlugs(missing)).flatMap(rows -> {
                List<Uni<Void>> fills = new ArrayList<>();
                for (Article row : rows) {
                    ArticleJson article = ArticleJson.of(row);
                    found.put(article.slug(), article);
                    fills.add(cache.putIfAbsent(Store.ARTICLES, CacheKeys.article(article.slug()), json.write(article),
                            lifespans.articleLifespan()));
                }
                return fills.isEmpty() ? Uni.createFrom().item(found)
                        : Uni.combine().all().unis(fills).discardItems().replaceWith(found);
            });
        });
    }

    /** The section's current generation (a new one is made when there is none). */
    public Uni<String> generation(String section) {
        String key = CacheKeys.generation(section);
        return cache.get(Store.ARTICLES, key).flatMap(current -> {
            if (current != null) {
                return Uni.createFrom().item(current);
            }
            String fresh = newGeneration();
            return cache.putIfAbsent(Store.ARTICLES, key, fresh, lifespans.generationLifespan()).replaceWith(fresh);
        });
    }

    public Uni<SectionPage> section(String section, int page, int size) {
        return generation(section).flatMap(generation -> section(section, generation, page, size));
    }

    /** A page of the section as of that generation. */
    public Uni<SectionPage> section(String section, String generation, int page, int size) {
        String key = CacheKeys.sectionPage(section, generation, page, size);
        return cache.get(Store.ARTICLES, key).flatMap(cached -> {
            SectionPage hit = json.read(cached, SectionPage.class);
            if (hit != null) {
                return Uni.createFrom().item(hit);
            }
            return inSession(() -> repository.listPublished(section, page, size))
                    .map(rows -> new SectionPage(section, page, size, rows.stream()
                            .map(r -> new TeaserJson(r.slug(), r.section(), r.title(), r.summary(), r.author(), r.publishedAt()))
                            .toList()))
                    .call(fresh -> cache.putIfAbsent(Store.ARTICLES, key, json.write(fresh), lifespans.listLifespan()));
        });
    }

    // ---- writes

    public Uni<ArticleJson> create(NewArticle in) {
        OffsetDateTime now = now();
        return inTransaction(() -> repository.slugExists(in.slug).flatMap(exists -> {
                    if (exists) {
                        return Uni.createFrom().failure(slugTaken(in.slug));
                    }
                    return repository.insert(Article.draft(in.slug, in.section, in.title, in.summary, in.body, in.author, now));
                }))
                .onFailure(ArticleService::isUniqueViolation).transform(e -> slugTaken(in.slug))
                .map(ArticleJson::of)
                .call(created -> refresh(created, null));
    }

    /**
     * Replaces the content. {@code ifMatch} (412 on mismatch) and/or {@code update.version} (409 on
     * mismatch) name the version the editor started from; with neither the answer is 428.
     */
    public Uni<ArticleJson> update(String slug, ArticleUpdate update, String ifMatch) {
        if (ifMatch == null && update.version == null) {
            return Uni.createFrom().failure(new ProblemException(428, "Precondition Required",
                    "send If-Match: \"{version}\" or the version in the body"));
        }
        OffsetDateTime now = now();
        String[] oldSection = new String[1];
        return inTransaction(() -> repository.findBySlug(slug).flatMap(article -> {
                    if (article == null) {
                        return Uni.createFrom().failure(notFound(slug));
                    }
                    if (ifMatch != null && !Preconditions.ifMatch(ifMatch, article.getVersion())) {
                        return Uni.createFrom().failure(new ProblemException(412, "Precondition Failed",
                                "If-Match does not name the current version " + Preconditions.etag(article.getVersion())));
                    }
                    if (update.version != null && update.version != article.getVersion()) {
                        return Uni.createFrom().failure(staleVersion(article.getVersion()));
                    }
                    oldSection[0] = article.getSection();
                    article.revise(update.section, update.title, update.summary, update.body, update.author, now);
                    if (!article.isPublished()) {
                        return repository.save(article);
                    }
                    return repository.save(article)
                            .call(() -> repository.recordPurge(purgeTags(slug, article.getSection(), oldSection[0])));
                }))
                .onFailure(ArticleService::isOptimisticLockFailure).transform(e -> ifMatch != null
                        ? new ProblemException(412, "Precondition Failed", "the article was changed meanwhile")
                        : new ProblemException(409, "Conflict", "the article was changed meanwhile; reload it and retry"))
                .map(ArticleJson::of)
                .call(updated -> refresh(updated, oldSection[0]))
                .invoke(updated -> {
                    if (updated.published()) {
                        purges.kick();
                    }
                });
    }

    /** Publishes: {@code publishedAt} the first time, {@code updatedAt} every time. */
    public Uni<ArticleJson> publish(String slug) {
        OffsetDateTime now = now();
        return inTransaction(() -> repository.findBySlug(slug).flatMap(article -> {
                    if (article == null) {
                        return Uni.createFrom().failure(notFound(slug));
                    }
                    article.publish(now);
                    return repository.save(article)
                            .call(() -> repository.recordPurge(purgeTags(slug, article.getSection(), null)));
                }))
                .onFailure(ArticleService::isOptimisticLockFailure)
                .transform(e -> new ProblemException(409, "Conflict", "the article was changed meanwhile; retry"))
                .map(ArticleJson::of)
                .call(published -> refresh(published, null))
                .invoke(purges::kick);
    }

    /**
     * After a commit: the fresh JSON and fragment replace the cached ones (so a reader that filled
     * the cache from an older row cannot win: fills only ever put-if-absent), and the section (old
     * and new) gets a new generation. Infinispan failures are logged and skipped; the entries then
     * expire by their lifespan.
     */
    private Uni<Void> refresh(ArticleJson article, String previousSection) {
        List<Uni<Void>> steps = new ArrayList<>();
        steps.add(cache.put(Store.ARTICLES, CacheKeys.article(article.slug()), json.write(article), lifespans.articleLifespan()));
        String fragmentKey = CacheKeys.articleFragment(article.slug());
        if (article.published()) {
            steps.add(cache.put(Store.FRAGMENTS, fragmentKey, json.write(articleFragment(article)),
                    lifespans.fragmentLifespan()));
        } else {
            steps.add(cache.remove(Store.FRAGMENTS, fragmentKey));
        }
        steps.add(bump(article.section()));
        if (previousSection != null && !previousSection.equals(article.section())) {
            steps.add(bump(previousSection));
        }
        return Uni.combine().all().unis(steps).discardItems();
    }

    /**
     * The cache tags a change of a published article touches: its own, its section's, and the
     * section it left ({@code previousSection}, when it moved).
     */
    static List<String> purgeTags(String slug, String section, String previousSection) {
        List<String> tags = new ArrayList<>(3);
        tags.add("article:" + slug);
        tags.add("section:" + section);
        if (previousSection != null && !previousSection.equals(section)) {
            tags.add("section:" + previousSection);
        }
        return tags;
    }

    /** The article fragment of a published article. */
    public static Fragment articleFragment(ArticleJson a) {
        return FragmentRenderer.article(a.slug(), a.section(), a.title(), a.summary(), a.body(), a.author(), a.publishedAt());
    }

    private Uni<Void> bump(String section) {
        return cache.put(Store.ARTICLES, CacheKeys.generation(section), newGeneration(), lifespans.generationLifespan());
    }

    /** A read in a session; an unreachable database answers 503 (cached reads keep working). */
    private static <T> Uni<T> inSession(Supplier<Uni<T>> work) {
        return Panache.withSession(work).onFailure(DatabaseTrouble::isUnavailable).transform(ArticleService::unavailable);
    }

    /** A write in a transaction; an unreachable database answers 503. */
    private static <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).onFailure(DatabaseTrouble::isUnavailable).transform(ArticleService::unavailable);
    }

    private static ProblemException unavailable(Throwable cause) {
        LOG.warnf("database unavailable: %s", cause.toString());
        return ProblemException.unavailable("the article database is unavailable; try again shortly", 5);
    }

    private static String newGeneration() {
        return Long.toString(System.currentTimeMillis(), 36) + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    public static ProblemException notFound(String slug) {
        return ProblemException.notFound("no article '" + slug + "'");
    }

    private static ProblemException slugTaken(String slug) {
        return new ProblemException(409, "Conflict", "an article with slug '" + slug + "' exists already");
    }

    private static ProblemException staleVersion(int current) {
        return new ProblemException(409, "Conflict", "version does not match the current version " + current);
    }

    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProblemException) {
                return false;
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException
                    || (t.getMessage() != null && t.getMessage().contains("23505"))) {
                return true;
            }
        }
        return false;
    }

    static boolean isOptimisticLockFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StaleStateException || t instanceof OptimisticLockException) {
                return true;
            }
        }
        return false;
    }
}
