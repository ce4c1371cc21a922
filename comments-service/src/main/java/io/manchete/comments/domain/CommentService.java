package io.manchete.comments.domain;

import io.manchete.comments.cache.CommentsCache;
import io.manchete.comments.config.CommentsConfig;
import io.manchete.comments.store.CommentStore;
import io.manchete.comments.store.DbFailures;
import io.manchete.commons.outbox.PurgeDelivery;
import io.manchete.commons.problem.Problem;
import io.manchete.commons.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the service does: reads go to the cache first and to the database on a miss; posts go to the
 * database in batches ({@link PostBatcher}: one statement stores a batch and its purge announcement),
 * then the article's cached first page and count are refreshed ({@link Refreshes}), then the purge
 * relay is asked to deliver at once.
 *
 * <p>A refresh after posts needs no database read in the common case: it merges the new comments into
 * the structured first page kept in {@code comments-pages} ({@link FirstPageState}) and writes the
 * three entries with versioned writes ({@link CommentsCache#write}). It reads the database (count and
 * page in one statement) when the structured page is missing, when the merge cannot be proven right, or
 * after it lost a race to another writer (another replica, or a fill); a hide always reads. A refresh
 * that keeps losing, or an Infinispan that fails, ends with the article's entries removed: a later read
 * fills them from the database.
 */
@ApplicationScoped
public class CommentService {
    private static final Logger LOG = Logger.getLogger(CommentService.class);
    /** Most posts sent to PostgreSQL in one statement. */
    static final int MAX_BATCH = 100;
    /** Versioned refresh attempts before the article's entries are removed instead. */
    static final int REFRESH_ATTEMPTS = 3;

    private final CommentStore store;
    private final CommentsCache cache;
    private final FragmentRenderer renderer;
    private final CommentsConfig config;
    private final PurgeDelivery purge;
    private final Refreshes refreshes = new Refreshes(this::refresh);
    private final PostBatcher batcher;
    private final Counter mergedRefreshes;
    private final Counter readRefreshes;

    public CommentService(Vertx vertx, CommentStore store, CommentsCache cache, FragmentRenderer renderer, CommentsConfig config,
                          PurgeDelivery purge, MeterRegistry registry) {
        this.store = store;
        this.cache = cache;
        this.renderer = renderer;
        this.config = config;
        this.purge = purge;
        this.batcher = new PostBatcher(vertx, store, this::afterPosts, MAX_BATCH, config.batch().linger(),
                DistributionSummary.builder("manchete.comments.batch.posts")
                        .description("Posts stored by one statement (group commit)")
                        .tag("service", "comments")
                        .register(registry));
        this.mergedRefreshes = refreshes(registry, "cache");
        this.readRefreshes = refreshes(registry, "database");
    }

    private static Counter refreshes(MeterRegistry registry, String source) {
        return Counter.builder("manchete.comments.refreshes")
                .description("Refreshes of an article's cached comments after writes, by where the new first page came from")
                .tag("service", "comments")
                .tag("source", source)
                .register(registry);
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
     * Stores the comment (once per idempotency key) with the next batch and refreshes the article's
     * cache entries; emits after both. A key already used for a different comment answers 409.
     */
    public Uni<CommentStore.Stored> post(String slug, NewComment draft, String idempotencyKey) {
        return db(batcher.submit(slug, draft, idempotencyKey)).invoke(stored -> requireSameRequest(stored, slug, draft));
    }

    private static void requireSameRequest(CommentStore.Stored stored, String slug, NewComment draft) {
        Comment first = stored.comment();
        if (!stored.created() && !(first.articleSlug.equals(slug) && first.author.equals(draft.author())
                && Objects.equals(first.body, draft.body()))) {
            throw new ProblemException(409, "Conflict", "Idempotency-Key was already used for a different comment",
                    List.of(new Problem.FieldError("Idempotency-Key", "already used for a different comment")), Map.of());
        }
    }

    /** After a batch committed: the article's entries hold its new comments when this emits. */
    private Uni<Void> afterPosts(String slug, List<Comment> created) {
        return refreshes.after(slug, Refreshes.Change.posted(created)).invoke(purge::kick);
    }

    /** Hides the comment; null when there is none. */
    public Uni<Comment> hide(long id) {
        return db(store.hide(id)).call(c -> c == null ? Uni.createFrom().voidItem()
                : refreshes.after(c.articleSlug, Refreshes.Change.hid(c.id)).invoke(purge::kick));
    }

    /** The first page (heading and list) of an article's comments, from the cache or rendered anew. */
    public Uni<String> firstPage(String slug) {
        return cache.fragment(slug).chain(cached -> cached != null
                ? Uni.createFrom().item(cached)
                : db(store.firstPage(slug, config.pageSize())).chain(page -> {
                    FirstPageState state = FirstPageState.fromDatabase(page.count(), page.items(), List.of());
                    String html = render(slug, state);
                    // both fills at once: the fragment's answer waits for one Infinispan round trip, not two
                    return Uni.combine().all().unis(cache.fillFragment(slug, html), cache.fillPage(slug, state.encode()))
                            .discardItems()
                            .replaceWith(html);
                }));
    }

    /** A database that cannot be reached answers 503 with {@code Retry-After}, not 500. */
    private static <T> Uni<T> db(Uni<T> call) {
        return call.onFailure(DbFailures::unreachable).transform(failure -> DbFailures.unavailable());
    }

    public String fragment(String firstPage, String section, String slug) {
        return renderer.fragment(firstPage, section, slug);
    }

    private String render(String slug, FirstPageState state) {
        return renderer.firstPage(state.count(), state.comments(slug));
    }

    /**
     * Brings the article's cache entries up to date with the change (see the class comment). Never
     * fails the writes that wait for it: on any failure the entries are removed instead.
     */
    private Uni<Void> refresh(String slug, Refreshes.Change change) {
        return attempt(slug, change, !change.reread, 1)
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("could not refresh the cached comments of %s: %s", slug, failure.toString());
                    return cache.evict(slug);
                });
    }

    /**
     * One try: read the entries with their versions, then either merge the change into the structured
     * page ({@code mayMerge}) or read count and first page from the database — after the versions were
     * read, so any write between them makes the versioned write below lose — then write all three.
     */
    private Uni<Void> attempt(String slug, Refreshes.Change change, boolean mayMerge, int attempt) {
        return cache.entries(slug).chain(entries -> {
            if (entries == null) {
                return cache.evict(slug); // Infinispan fails: leave no entry behind that misses the write
            }
            FirstPageState cached = FirstPageState.decode(entries.page().value());
            FirstPageState merged = mayMerge && cached != null ? cached.merge(change.added, config.pageSize()) : null;
            Uni<FirstPageState> next;
            if (merged != null) {
                mergedRefreshes.increment();
                next = Uni.createFrom().item(merged);
            } else {
                readRefreshes.increment();
                next = store.firstPage(slug, config.pageSize()).map(page ->
                        FirstPageState.fromDatabase(page.count(), page.items(), FirstPageState.hiddenIds(cached, change.hidden)));
            }
            return next.chain(state -> cache.write(slug, entries, state.encode(), render(slug, state), state.count()))
                    .chain(written -> switch (written) {
                        case DONE -> Uni.createFrom().voidItem();
                        case RACE_LOST -> attempt < REFRESH_ATTEMPTS
                                ? attempt(slug, change, false, attempt + 1)
                                : cache.evict(slug);
                        case FAILED -> cache.evict(slug);
                    });
        });
    }
}
