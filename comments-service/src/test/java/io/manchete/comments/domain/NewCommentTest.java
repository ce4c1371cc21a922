package io.manchete.comments.domain;

import io.manchete.commons.problem.ProblemException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NewCommentTest {
    @Test
    void acceptsLimitsAndTrimsTheAuthor() {
        NewComment c = NewComment.validate("  Ana  ", "b".repeat(4000));
        assertEquals("Ana", c.author());
        assertEquals(4000, c.body().length());
        assertEquals("x".repeat(80), NewComment.validate("x".repeat(80), "b").author());
    }

    @Test
    void countsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00";
        assertEquals(8000, NewComment.validate("a", emoji.repeat(4000)).body().length());
        ProblemException e = assertThrows(ProblemException.class, () -> NewComment.validate("a", emoji.repeat(4001)));
        assertEquals(413, e.status());
    }

    @Test
    void bodyOverTheLimitIsTooLarge() {
        ProblemException e = assertThrows(ProblemException.class, () -> NewComment.validate("a", "b".repeat(4001)));
        assertEquals(413, e.status());
        assertEquals("body", e.problem().errors().get(0).field());
    }

    @Test
    void blankFieldsAreNamed() {
        ProblemException e = assertThrows(ProblemException.class, () -> NewComment.validate(" ", "\n"));
        assertEquals(400, e.status());
        assertEquals(2, e.problem().errors().size());
        assertEquals("author", e.problem().errors().get(0).field());
        assertEquals("body", e.problem().errors().get(1).field());
        assertEquals(400, assertThrows(ProblemException.class, () -> NewComment.validate(null, null)).status());
    }

    @Test
    void longAuthorIsABadRequest() {
        ProblemException e = assertThrows(ProblemException.class, () -> NewComment.validate("x".repeat(81), "b"));
        assertEquals(400, e.status());
        assertEquals("author", e.problem().errors().get(0).field());
    }

    @Test
    void idempotencyKeys() {
        assertNull(NewComment.idempotencyKey(null));
        assertEquals("k".repeat(100), NewComment.idempotencyKey("k".repeat(100)));
        for (String bad : new String[] {"", "k".repeat(101), "with space", "tab\t"}) {
            ProblemException e = assertThrows(ProblemException.class, () -> NewComment.idempotencyKey(bad), bad);
            assertEquals("Idempotency-Key", e.problem().errors().get(0).field());
        }
    }
}
