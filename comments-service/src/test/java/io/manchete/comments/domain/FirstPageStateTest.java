package io.manchete.comments.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The merge of new comments into a cached first page, and when it must give up for a database read. */
class FirstPageStateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private static Comment comment(long id, long secondsAfterT0) {
        Comment c = new Comment();
        c.id = id;
        c.articleSlug = "a";
        c.author = "author " + id;
        c.body = "body " + id;
        c.createdAt = T0.plusSeconds(secondsAfterT0).plusNanos(123_000);
        c.status = Comment.VISIBLE;
        return c;
    }

    private static List<Long> ids(FirstPageState state) {
        return state.items().stream().map(FirstPageState.Item::id).toList();
    }

    @Test
    void newCommentsGoFirstAndAreCounted() {
        FirstPageState db = FirstPageState.fromDatabase(2, List.of(comment(2, 2), comment(1, 1)), List.of());
        FirstPageState merged = db.merge(List.of(comment(3, 3), comment(4, 4)), 20);
        assertEquals(4, merged.count());
        assertEquals(List.of(4L, 3L, 2L, 1L), ids(merged));
    }

    @Test
    void aCommentAlreadyOnThePageIsNotCountedAgain() {
        FirstPageState db = FirstPageState.fromDatabase(2, List.of(comment(2, 2), comment(1, 1)), List.of());
        FirstPageState merged = db.merge(List.of(comment(2, 2), comment(3, 3), comment(3, 3)), 20);
        assertEquals(3, merged.count());
        assertEquals(List.of(3L, 2L, 1L), ids(merged));
    }

    @Test
    void thePageKeepsTheNewestPageSizeComments() {
        FirstPageState db = FirstPageState.fromDatabase(3, List.of(comment(3, 3), comment(2, 2), comment(1, 1)), List.of());
        FirstPageState merged = db.merge(List.of(comment(4, 4), comment(5, 5)), 3);
        assertEquals(5, merged.count());
        assertEquals(List.of(5L, 4L, 3L), ids(merged));
    }

    @Test
    void anOlderCommentOnAPageThatHoldsEveryCommentIsMerged() {
        // count == items: the read saw every comment, so one it does not show was not counted
        FirstPageState db = FirstPageState.fromDatabase(2, List.of(comment(5, 5), comment(4, 4)), List.of());
        FirstPageState merged = db.merge(List.of(comment(3, 1)), 3);
        assertEquals(3, merged.count());
        assertEquals(List.of(5L, 4L, 3L), ids(merged));
    }

    @Test
    void anOlderCommentThanTheLastOfAFullPageNeedsADatabaseRead() {
        // the read counted 5 but shows 3: a comment older than the last shown may be among the 2 others
        FirstPageState db = FirstPageState.fromDatabase(5, List.of(comment(9, 9), comment(8, 8), comment(7, 7)), List.of());
        assertNull(db.merge(List.of(comment(10, 10), comment(6, 6)), 3));
        assertNotNull(db.merge(List.of(comment(10, 10)), 3));
    }

    @Test
    void equalTimesAreOrderedByIdDescending() {
        FirstPageState db = FirstPageState.fromDatabase(5, List.of(comment(9, 9), comment(8, 8), comment(7, 7)), List.of());
        assertNull(db.merge(List.of(comment(6, 7)), 3), "same time as the last, lower id: after it");
        FirstPageState merged = db.merge(List.of(comment(11, 7)), 3);
        assertEquals(List.of(9L, 8L, 11L), ids(merged));
        assertEquals(6, merged.count());
    }

    @Test
    void hiddenCommentsAreLeftOut() {
        FirstPageState db = FirstPageState.fromDatabase(1, List.of(comment(1, 1)), List.of(7L));
        FirstPageState merged = db.merge(List.of(comment(7, 7), comment(8, 8)), 20);
        assertEquals(2, merged.count());
        assertEquals(List.of(8L, 1L), ids(merged));
        Comment hidden = comment(9, 9);
        hidden.status = Comment.HIDDEN;
        assertEquals(2, merged.merge(List.of(hidden), 20).count());
    }

    @Test
    void hiddenIdsAreCarriedAndBounded() {
        List<Long> many = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            many.add(i);
        }
        FirstPageState previous = FirstPageState.fromDatabase(0, List.of(), many);
        assertEquals(FirstPageState.HIDDEN_KEPT, previous.hidden().size());
        List<Long> carried = FirstPageState.hiddenIds(previous, List.of(500L));
        assertEquals(FirstPageState.HIDDEN_KEPT, carried.size());
        assertEquals(500L, carried.get(carried.size() - 1));
        assertEquals(List.of(3L), FirstPageState.hiddenIds(null, List.of(3L)));
    }

    @Test
    void encodesAndDecodesExactly() {
        FirstPageState state = FirstPageState.fromDatabase(4, List.of(comment(2, 2), comment(1, 1)), List.of(3L));
        FirstPageState back = FirstPageState.decode(state.encode());
        assertEquals(state, back);
        assertEquals(state.comments("a").get(0).createdAt, comment(2, 2).createdAt);
        assertNull(FirstPageState.decode(null));
        assertNull(FirstPageState.decode("not json"));
        assertNull(FirstPageState.decode("{\"count\":3}"));
    }

    @Test
    void anEntryWithMoreItemsThanItsCountIsNotTrusted() {
        FirstPageState odd = new FirstPageState(1, FirstPageState.fromDatabase(2, List.of(comment(2, 2), comment(1, 1)), List.of()).items(),
                List.of());
        assertNull(odd.merge(List.of(comment(3, 3)), 20));
    }
}
