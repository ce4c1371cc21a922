package io.manchete.gateway.page;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheControlTest {

    @Test
    void parsesTheFragmentHeader() {
        CacheControl cc = CacheControl.parse("public, max-age=60, stale-while-revalidate=60, stale-if-error=86400");
        assertEquals(60, cc.maxAge());
        assertEquals(60, cc.seconds("stale-while-revalidate"));
        assertEquals(86400, cc.seconds("stale-if-error"));
        assertTrue(cc.has("public"));
        assertNull(cc.value("public"));
        assertEquals(60, cc.sharedMaxAge(-1));
    }

    @Test
    void namesAreCaseInsensitiveAndWhitespaceIsTolerated() {
        CacheControl cc = CacheControl.parse("  PUBLIC ,Max-Age = 30 ,, IMMUTABLE");
        assertTrue(cc.has("public"));
        assertTrue(cc.immutable());
        assertEquals(30, cc.maxAge());
    }

    @Test
    void quotedValuesMayHoldCommasAndEscapes() {
        CacheControl cc = CacheControl.parse("private=\"set-cookie, x-a\", no-cache=\"a\\\"b\", max-age=\"15\"");
        assertEquals("set-cookie, x-a", cc.value("private"));
        assertEquals("a\"b", cc.value("no-cache"));
        assertEquals(15, cc.maxAge());
        assertEquals(3, cc.directives().size());
    }

    @Test
    void sharedMaxAgePrefersSMaxAgeAndHonoursNoStoreNoCachePrivate() {
        assertEquals(5, CacheControl.parse("max-age=60, s-maxage=5").sharedMaxAge(-1));
        assertEquals(0, CacheControl.parse("no-store, max-age=60").sharedMaxAge(-1));
        assertEquals(0, CacheControl.parse("no-cache, max-age=60").sharedMaxAge(-1));
        assertEquals(0, CacheControl.parse("private, max-age=60").sharedMaxAge(-1));
        assertEquals(7, CacheControl.parse("public").sharedMaxAge(7));
        assertEquals(7, CacheControl.parse(null).sharedMaxAge(7));
        assertEquals(7, CacheControl.parse("").sharedMaxAge(7));
    }

    @Test
    void aDirectiveNameThatOnlyContainsMaxAgeIsNotMaxAge() {
        CacheControl cc = CacheControl.parse("x-max-age=5, stale-max-age=9");
        assertEquals(-1, cc.maxAge());
        assertFalse(cc.has("max-age"));
    }

    @Test
    void invalidOrHugeDeltaSeconds() {
        assertEquals(0, CacheControl.parse("max-age=abc").maxAge());
        assertEquals(0, CacheControl.parse("max-age=-5").maxAge());
        assertEquals(0, CacheControl.parse("max-age").maxAge());
        assertEquals(0, CacheControl.parse("max-age=").maxAge());
        assertEquals(CacheControl.MAX_DELTA_SECONDS, CacheControl.parse("max-age=99999999999999999999").maxAge());
        assertEquals(-1, CacheControl.parse("public").maxAge());
    }

    @Test
    void firstOccurrenceWins() {
        assertEquals(10, CacheControl.parse("max-age=10, max-age=99").maxAge());
    }

    @Test
    void unterminatedQuoteDoesNotThrow() {
        CacheControl cc = CacheControl.parse("max-age=5, private=\"abc");
        assertEquals(5, cc.maxAge());
        assertEquals("abc", cc.value("private"));
    }
}
