package io.manchete.comments.store;

import io.manchete.comments.domain.Comment;
import io.manchete.comments.domain.Cursor;
import io.manchete.comments.domain.NewComment;
import io.manchete.commons.outbox.PurgeOutbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The {@code comment} table. Every method counts the statements it sends. A write that changes what
 * readers see records {@code comments:{slug}} in {@code purge_outbox} in its own transaction, so the
 * gateway's expiration commits with it (see commons {@link PurgeOutbox}).
 */
@ApplicationScoped
public class CommentStore {
    /** Visible comments of an article, newest first; the partial keyset index serves it. */
    private static final String PAGE = "SELECT * FROM comment WHERE article_slug = :slug AND status = 'VISIBLE' "
            + "ORDER BY created_at DESC, id DESC LIMIT :limit";
    private static final String PAGE_AFTER = "SELECT * FROM comment WHERE article_slug = :slug AND status = 'VISIBLE' "
            + "AND (created_at, id) < (:createdAt, :id) ORDER BY created_at DESC, id DESC LIMIT :limit";
    private static final String COUNT = "SELECT count(*) FROM comment WHERE article_slug = :slug AND status = 'VISIBLE'";
    /** Two posts with one key race here: the unique index lets exactly one insert a row. */
    private static final String INSERT_ONCE = "INSERT INTO comment (article_slug, author, body, created_at, status, idempotency_key) "
            + "VALUES (:slug, :author, :body, :createdAt, 'VISIBLE', :key) ON CONFLICT (idempotency_key) DO NOTHING";

    private final DbMetrics metrics;

    public CommentStore(DbMetrics metrics) {
        this.metrics = metrics;
    }

    /** The outcome of a post: the stored comment, and whether this call created it. */
    public record Stored(Comment comment, boolean created) {
    }

    /** Up to {@code limit} visible comments newest first, after the cursor when one is given. */
    @WithSession
    public Uni<List<Comment>> page(String slug, Cursor after, int limit) {
        metrics.query();
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(after == null ? PAGE : PAGE_AFTER, Comment.class)
                    .setParameter("slug", slug)
                    .setParameter("limit", limit);
            if (after != null) {
                query.setParameter("createdAt", after.createdAt()).setParameter("id", after.id());
            }
            return query.getResultList();
        });
    }

    @WithSession
    public Uni<Long> countVisible(String slug) {
        metrics.query();
        return Panache.getSession().chain(session -> session.createNativeQuery(COUNT, Long.class)
                .setParameter("slug", slug)
                .getSingleResult());
    }

    /** The first page and the count, for the fragment (two statements on one connection). */
    @WithSession
    public Uni<FirstPage> firstPage(String slug, int limit) {
        return countVisible(slug).chain(count -> page(slug, null, limit).map(items -> new FirstPage(count, items)));
    }

    public record FirstPage(long count, List<Comment> items) {
    }

    @WithSession
    public Uni<Comment> findVisible(long id) {
        metrics.query();
        return Comment.<Comment>findById(id).map(c -> c != null && c.visible() ? c : null);
    }

    /** Stores a comment that came without an idempotency key. */
    @WithTransaction
    public Uni<Stored> insert(String slug, NewComment draft) {
        Comment comment = new Comment();
        comment.articleSlug = slug;
        comment.author = draft.author();
        comment.body = draft.body();
        comment.createdAt = now();
        metrics.query();
        return comment.<Comment>persistAndFlush()
                .call(() -> announce(slug))
                .map(c -> new Stored(c, true));
    }

    /**
     * Stores a comment unless one with the key exists; either way answers the comment that holds the
     * key. A repeat (a client's retry) costs one read, outside any transaction. Safe under
     * concurrency: the insert skips on conflict (waiting for a concurrent holder of the key to commit
     * or roll back), and the re-read, a new statement in READ COMMITTED, sees the committed row.
     */
    @WithSession
    public Uni<Stored> insertOnce(String slug, NewComment draft, String key) {
        return byKey(key).chain(existing -> existing != null
                ? Uni.createFrom().item(new Stored(existing, false))
                : Panache.withTransaction(() -> insertSkippingConflict(slug, draft, key)
                        .call(inserted -> inserted == 1 ? announce(slug) : Uni.createFrom().voidItem())
                        .chain(inserted -> byKey(key).map(stored -> new Stored(stored, inserted == 1)))));
    }

    private Uni<Integer> insertSkippingConflict(String slug, NewComment draft, String key) {
        metrics.query();
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_ONCE)
                .setParameter("slug", slug)
                .setParameter("author", draft.author())
                .setParameter("body", draft.body())
                .setParameter("createdAt", now())
                .setParameter("key", key)
                .executeUpdate());
    }

    private Uni<Comment> byKey(String key) {
        metrics.query();
        return Comment.<Comment>find("idempotencyKey", key).firstResult();
    }

    /** Hides a comment; answers it (hidden), or null when there is no such comment. */
    @WithTransaction
    public Uni<Comment> hide(long id) {
        metrics.query();
        return Comment.<Comment>findById(id).chain(comment -> {
            if (comment == null || !comment.visible()) {
                return Uni.createFrom().item(comment);
            }
            comment.status = Comment.HIDDEN;
            metrics.query();
            return comment.<Comment>persistAndFlush().call(() -> announce(comment.articleSlug));
        });
    }

    /** Records the article's comments tag for the gateway, in the current transaction. */
    private Uni<Void> announce(String slug) {
        metrics.query();
        return Panache.getSession().chain(session -> PurgeOutbox.record(session, List.of("comments:" + slug)));
    }

    /** PostgreSQL keeps microseconds: truncating here makes the cursor match the stored value. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
