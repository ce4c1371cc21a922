package io.manchete.comments.domain;

import io.manchete.comments.cache.CommentsCache;
import io.manchete.comments.config.CommentsConfig;
import io.manchete.commons.outbox.PurgeDelivery;
import io.manchete.comments.store.CommentStore;
import io.manchete.comments.store.DbFailures;
import io.manchete.commons.problem.Problem;
import io.manchete.commons.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the service does: reads go to the cache first and to the database on a miss; writes go to
 * the database (with the gateway's expiration in the same transaction), then replace the article's
 * cached first page and count, then ask the purge relay to deliver at once.
 */
@ApplicationScoped
public class CommentService {
    private static final Logger LOG = Logger.getLogger(CommentService.class);

    private final CommentStore store;
    private final CommentsCache cache;
    private final FragmentRenderer renderer;
    private final CommentsConfig config;
    private final PurgeDelivery purge;
    private final Refreshes refreshes = new Refreshes(this::refresh);

    public CommentService(CommentStore store, CommentsCache cache, FragmentRenderer renderer, CommentsConfig config,
                          PurgeDelivery purge) {
        this.store = store;
        this.cache = cache;
        this.renderer = renderer;
        this.config = config;
        this.purge = purge;
    }

    /** A keyset page: the comments and the cursor of the next page (null on the last page). */
    public record Page(List<Comment> items, Cursor next) {
    }

    public Uni<Page> list(String slug, Cursor after, int limit) {
        return db(store.page(slug, after, limit + 1)).map(rows -> rows.size() > limit
                ? new Page(rows.subList(0, limit), Cursor.after(rows.get(limit - 1)))
                : new Page(rows, null));
    }

    public Uni<Long> count(String slug) {
        return cache.count(slug).chain(cached -> cached != null
                ? Uni.createFrom().item(cached)
                : db(store.countVisible(slug)).call(count -> cache.fillCount(slug, count)));
    }

    public Uni<Comment> visible(long id) {
        return db(store.findVisible(id));
    }

    /**
     * Stores the comment (once per idempotency key) and refreshes the article's cache entries. A key
     * already used for a different comment answers 409.
     */
    public Uni<CommentStore.Stored> post(String slug, NewComment draft, String idempotencyKey) {
        Uni<CommentStore.Stored> stored = idempotencyKey == null
                ? db(store.insert(slug, draft))
                : db(store.insertOnce(slug, draft, idempotencyKey)).invoke(s -> requireSameRequest(s, slug, draft));
        return stored.call(s -> s.created() ? afterWrite(slug) : Uni.createFrom().voidItem());
    }

    private static void requireSameRequest(CommentStore.Stored stored, String slug, NewComment draft) {
        Comment first = stored.comment();
        if (!stored.created() && !(first.articleSlug.equals(slug) && first.author.equals(draft.author())
                && Objects.equals(first.body, draft.body()))) {
            throw new ProblemException(409, "Conflict", "Idempotency-Key was already used for a different comment",
                    List.of(new Problem.FieldError("Idempotency-Key", "already used for a different comment")), Map.of());
        }
    }

    /** Hides the comment; null when there is none. */
    public Uni<Comment> hide(long id) {
        return db(store.hide(id)).call(c -> c == null ? Uni.createFrom().voidItem() : afterWrite(c.articleSlug));
    }

    /** The first page (heading and list) of an article's comments, from the cache or rendered anew. */
    public Uni<String> firstPage(String slug) {
        return cache.fragment(slug).chain(cached -> cached != null
                ? Uni.createFrom().item(cached)
                : db(store.firstPage(slug, config.pageSize()))
                        .map(page -> renderer.firstPage(page.count(), page.items()))
                        .call(html -> cache.fillFragment(slug, html)));
    }

    /** A database that cannot be reached answers 503 with {@code Retry-After}, not 500. */
    private static <T> Uni<T> db(Uni<T> call) {
        return call.onFailure(DbFailures::unreachable).transform(failure -> DbFailures.unavailable());
    }

    public String fragment(String firstPage, String section, String slug) {
        return renderer.fragment(firstPage, section, slug);
    }

    /** After a commit: the article's cache entries hold the write when this emits (see {@link Refreshes}). */
    private Uni<Void> afterWrite(String slug) {
        return refreshes.after(slug).invoke(purge::kick);
    }

    /**
     * Replaces the article's cache entries with what the database holds now. Never fails the write
     * that caused it: if reading back fails, the entries are dropped instead.
     */
    private Uni<Void> refresh(String slug) {
        return store.firstPage(slug, config.pageSize())
                .chain(page -> cache.refresh(slug, renderer.firstPage(page.count(), page.items()), page.count()))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("could not refresh the cached comments of %s: %s", slug, failure.toString());
                    return cache.evict(slug);
                });
    }
}
