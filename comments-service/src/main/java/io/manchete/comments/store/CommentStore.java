package io.manchete.comments.store;

import io.manchete.comments.domain.Comment;
import io.manchete.comments.domain.Cursor;
import io.manchete.commons.outbox.PurgeOutbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code comment} table. Every method counts the statements it sends. A write that changes what
 * readers see records {@code comments:{slug}} in {@code purge_outbox} with it, in one transaction or
 * one statement, so the gateway's expiration commits with it (see commons {@link PurgeOutbox}).
 *
 * <p>Posts go in batches ({@link #insertBatch}, one statement through the reactive pool); reads of a
 * page and hides go through Hibernate Reactive; the first page with its count is one statement
 * through the pool, so both come from one snapshot.
 */
@ApplicationScoped
public class CommentStore {
    /** Visible comments of an article, newest first; the partial keyset index serves it. */
    private static final String PAGE = "SELECT * FROM comment WHERE article_slug = :slug AND status = 'VISIBLE' "
            + "ORDER BY created_at DESC, id DESC LIMIT :limit";
    private static final String PAGE_AFTER = "SELECT * FROM comment WHERE article_slug = :slug AND status = 'VISIBLE' "
            + "AND (created_at, id) < (:createdAt, :id) ORDER BY created_at DESC, id DESC LIMIT :limit";
    private static final String COUNT = "SELECT count(*) FROM comment WHERE article_slug = :slug AND status = 'VISIBLE'";
    /**
     * Count and first page in one statement (one snapshot: the count counts exactly the comments the
     * page was chosen from). An article without comments answers one row with a null id.
     */
    private static final String FIRST_PAGE = "SELECT t.total, c.id, c.article_slug, c.author, c.body, c.created_at, c.status, "
            + "c.idempotency_key FROM (SELECT count(*) AS total FROM comment WHERE article_slug = $1 AND status = 'VISIBLE') t "
            + "LEFT JOIN LATERAL (SELECT * FROM comment WHERE article_slug = $1 AND status = 'VISIBLE' "
            + "ORDER BY created_at DESC, id DESC LIMIT $2) c ON true ORDER BY c.created_at DESC, c.id DESC";
    /**
     * A batch of posts and their purge announcement in one statement, so atomic in autocommit: the
     * comments and one {@code purge_outbox} row per article they went to commit together or not at
     * all. Ids are drawn from the column's sequence up front so each inserted row can be matched to
     * its post ({@code ord}, 1-based) even without a key; a key that is taken already (a retry, or a
     * concurrent post with that key, whose commit or rollback the insert waits for) skips its row.
     * Tags are one per row, {@code comments:{slug}} (slugs are valid tag suffixes, see
     * {@link PurgeOutbox}), so no row grows with the batch.
     */
    private static final String INSERT_BATCH = "WITH input AS ("
            + "SELECT nextval('comment_id_seq') AS id, t.slug, t.author, t.body, t.created_at, t.key, t.ord "
            + "FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) "
            + "WITH ORDINALITY AS t(slug, author, body, created_at, key, ord)), "
            + "ins AS (INSERT INTO comment (id, article_slug, author, body, created_at, status, idempotency_key) "
            + "SELECT id, slug, author, body, created_at, 'VISIBLE', key FROM input "
            + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, article_slug), "
            + "announced AS (INSERT INTO purge_outbox (tags, created_at) "
            + "SELECT tag, clock_timestamp() FROM (SELECT DISTINCT 'comments:' || article_slug AS tag FROM ins) s) "
            + "SELECT input.ord, input.id FROM input JOIN ins USING (id)";
    /** The comments holding keys a batch found taken (whatever their status now). */
    private static final String BY_KEYS = "SELECT * FROM comment WHERE idempotency_key = ANY($1)";

    private final DbMetrics metrics;
    private final Pool pool;

    public CommentStore(DbMetrics metrics, Pool pool) {
        this.metrics = metrics;
        this.pool = pool;
    }

    /** The outcome of a post: the stored comment, and whether this call created it. */
    public record Stored(Comment comment, boolean created) {
    }

    /** One post of a batch: the comment, its time, and its idempotency key (null: none). */
    public record Draft(String slug, String author, String body, Instant createdAt, String key) {
        /** PostgreSQL keeps microseconds: the time is truncated so what is answered is what is stored. */
        public Draft {
            createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
        }
    }

    /**
     * What a batch did: per draft (same order) the comment it created, or null when its key was taken
     * already; and the comments holding those taken keys.
     */
    public record BatchOutcome(List<Comment> created, Map<String, Comment> taken) {
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

    /** The first page and the count, from one snapshot (one statement, no Hibernate session). */
    public Uni<FirstPage> firstPage(String slug, int limit) {
        return Uni.createFrom().deferred(() -> {
            metrics.query();
            return pool.preparedQuery(FIRST_PAGE).execute(Tuple.of(slug, limit));
        }).map(rows -> {
            long count = 0;
            List<Comment> items = new ArrayList<>(Math.min(limit, 64));
            for (Row row : rows) {
                count = row.getLong("total");
                if (row.getLong("id") != null) {
                    items.add(comment(row));
                }
            }
            return new FirstPage(count, items);
        });
    }

    public record FirstPage(long count, List<Comment> items) {
    }

    @WithSession
    public Uni<Comment> findVisible(long id) {
        metrics.query();
        return Comment.<Comment>findById(id).map(c -> c != null && c.visible() ? c : null);
    }

    /**
     * Stores a batch of posts with one statement (and one more, only when some key was taken, to
     * read the comments holding those keys). Emits once the statement committed; a failure means
     * nothing of the batch was stored when PostgreSQL answered it with an error, and is ambiguous
     * when the connection broke. Drafts must not repeat a key.
     */
    public Uni<BatchOutcome> insertBatch(List<Draft> drafts) {
        int n = drafts.size();
        String[] slugs = new String[n];
        String[] authors = new String[n];
        String[] bodies = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            Draft d = drafts.get(i);
            slugs[i] = d.slug();
            authors[i] = d.author();
            bodies[i] = d.body();
            times[i] = OffsetDateTime.ofInstant(d.createdAt(), ZoneOffset.UTC);
            keys[i] = d.key();
        }
        return Uni.createFrom().deferred(() -> {
            metrics.query();
            return pool.preparedQuery(INSERT_BATCH).execute(Tuple.of(slugs, authors, bodies, times, keys));
        }).chain(rows -> {
            Comment[] created = new Comment[n];
            for (Row row : rows) {
                int i = (int) (row.getLong("ord") - 1);
                created[i] = comment(drafts.get(i), row.getLong("id"));
            }
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (created[i] == null && drafts.get(i).key() != null) {
                    taken.add(drafts.get(i).key());
                }
            }
            List<Comment> answers = Arrays.asList(created);
            if (taken.isEmpty()) {
                return Uni.createFrom().item(new BatchOutcome(answers, Map.of()));
            }
            metrics.query();
            return pool.preparedQuery(BY_KEYS).execute(Tuple.of(taken.toArray(String[]::new))).map(holders -> {
                Map<String, Comment> byKey = new HashMap<>();
                for (Row row : holders) {
                    Comment c = comment(row);
                    byKey.put(c.idempotencyKey, c);
                }
                return new BatchOutcome(answers, byKey);
            });
        });
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

    private static Comment comment(Draft draft, long id) {
        Comment c = new Comment();
        c.id = id;
        c.articleSlug = draft.slug();
        c.author = draft.author();
        c.body = draft.body();
        c.createdAt = draft.createdAt();
        c.status = Comment.VISIBLE;
        c.idempotencyKey = draft.key();
        return c;
    }

    private static Comment comment(Row row) {
        Comment c = new Comment();
        c.id = row.getLong("id");
        c.articleSlug = row.getString("article_slug");
        c.author = row.getString("author");
        c.body = row.getString("body");
        c.createdAt = row.getOffsetDateTime("created_at").toInstant();
        c.status = row.getString("status");
        c.idempotencyKey = row.getString("idempotency_key");
        return c;
    }
}
