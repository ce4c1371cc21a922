package io.manchete.comments.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The structured first page of an article's comments, as kept in {@code comments-pages}: the visible
 * count, the newest {@code pageSize} visible comments (newest first: created_at, then id, both
 * descending) and the ids of comments recently hidden. A refresh after a post merges the new
 * comments into it instead of reading count and page back from PostgreSQL.
 *
 * <p>Why a merge never counts a comment twice. The entry starts from one database read (count and
 * page in one statement, so one snapshot); every later change is a merge of comments whose commit
 * came after it, or another read. A comment the read counted is on the read's page unless that page
 * was full (count larger than the page) and the comment sorts after the page's last item. So a new
 * comment that is already on the page is skipped, one that sorts before the last item (or any, when
 * the page holds every counted comment) cannot have been counted and is added, and one that sorts
 * after the last item of a full page might have been counted: {@link #merge} gives up (null) and the
 * caller reads the database again. Comments merged earlier were on the page when they were merged,
 * so the same argument holds for them.
 *
 * <p>Hidden ids: a post's refresh may run after a moderator hid the comment it posted (the hide's
 * refresh reads the database, the post's merges later). The entry remembers the last
 * {@value #HIDDEN_KEPT} hidden ids so such a merge leaves the comment out.
 */
public record FirstPageState(long count, List<Item> items, List<Long> hidden) {
    static final int HIDDEN_KEPT = 64;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** Page order: newest first, the higher id first among equal times. */
    static final Comparator<Item> NEWEST_FIRST = Comparator.comparingLong(Item::at).thenComparingLong(Item::id).reversed();

    /** One visible comment of the page; {@code at}: created_at in microseconds since the epoch. */
    public record Item(long id, String author, String body, long at) {
        static Item of(Comment c) {
            return new Item(c.id, c.author, c.body, ChronoUnit.MICROS.between(Instant.EPOCH, c.createdAt));
        }

        Comment toComment(String slug) {
            Comment c = new Comment();
            c.id = id;
            c.articleSlug = slug;
            c.author = author;
            c.body = body;
            c.createdAt = Instant.EPOCH.plus(at, ChronoUnit.MICROS);
            c.status = Comment.VISIBLE;
            return c;
        }
    }

    public FirstPageState {
        items = List.copyOf(items);
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
    }

    /** What one database read saw (count and page of one snapshot), with the hidden ids to remember. */
    public static FirstPageState fromDatabase(long count, List<Comment> page, Collection<Long> hidden) {
        List<Item> items = new ArrayList<>(page.size());
        for (Comment c : page) {
            items.add(Item.of(c));
        }
        items.sort(NEWEST_FIRST);
        return new FirstPageState(count, items, lastHidden(hidden));
    }

    /**
     * This page with the new comments in it, or null when that cannot be known without reading the
     * database (see the class comment). Comments already on the page or hidden are left out.
     */
    public FirstPageState merge(List<Comment> added, int pageSize) {
        if (count < items.size()) {
            return null; // not an entry this service wrote
        }
        boolean wholeList = count == items.size(); // every counted comment is on the page
        Item last = items.isEmpty() ? null : items.get(items.size() - 1);
        Set<Long> known = new HashSet<>();
        for (Item item : items) {
            known.add(item.id());
        }
        Set<Long> gone = new HashSet<>(hidden);
        List<Item> merged = new ArrayList<>(items);
        long total = count;
        for (Comment c : added) {
            if (!c.visible() || gone.contains(c.id) || !known.add(c.id)) {
                continue;
            }
            Item item = Item.of(c);
            if (!wholeList && NEWEST_FIRST.compare(item, last) > 0) {
                return null; // older than the last item of a full page: perhaps counted already
            }
            merged.add(item);
            total++;
        }
        merged.sort(NEWEST_FIRST);
        return new FirstPageState(total, merged.size() > pageSize ? merged.subList(0, pageSize) : merged, hidden);
    }

    /** The page as comments of the article, for the renderer. */
    public List<Comment> comments(String slug) {
        return items.stream().map(item -> item.toComment(slug)).toList();
    }

    /** The hidden ids to carry into a new entry: these, then {@code more}, the last {@value #HIDDEN_KEPT}. */
    public static List<Long> hiddenIds(FirstPageState previous, Collection<Long> more) {
        Set<Long> all = new LinkedHashSet<>();
        if (previous != null) {
            all.addAll(previous.hidden());
        }
        all.addAll(more);
        return lastHidden(all);
    }

    private static List<Long> lastHidden(Collection<Long> ids) {
        List<Long> list = new ArrayList<>(new LinkedHashSet<>(ids));
        return list.size() > HIDDEN_KEPT ? list.subList(list.size() - HIDDEN_KEPT, list.size()) : list;
    }

    public String encode() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a first page", e);
        }
    }

    /** The entry's state; null when absent or unreadable (then the caller reads the database). */
    public static FirstPageState decode(String json) {
        if (json == null) {
            return null;
        }
        try {
            FirstPageState state = JSON.readValue(json, FirstPageState.class);
            return state.items() == null ? null : state;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }
}
