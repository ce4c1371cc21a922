package io.manchete.comments.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtagTest {
    @Test
    void etagIsAQuotedDigestOfTheBody() {
        String a = FragmentResource.etag("<p>a</p>");
        assertTrue(a.matches("\"[0-9a-f]{32}\""), a);
        assertEquals(a, FragmentResource.etag("<p>a</p>"));
        assertNotEquals(a, FragmentResource.etag("<p>b</p>"));
    }

    @Test
    void ifNoneMatchAcceptsListsWeakTagsAndStar() {
        String tag = "\"abc\"";
        assertTrue(FragmentResource.matches("\"abc\"", tag));
        assertTrue(FragmentResource.matches("\"x\", W/\"abc\"", tag));
        assertTrue(FragmentResource.matches("*", tag));
        assertFalse(FragmentResource.matches("\"abcd\"", tag));
        assertFalse(FragmentResource.matches("abc", tag));
        assertFalse(FragmentResource.matches(null, tag));
        assertFalse(FragmentResource.matches(" ", tag));
    }
}
