package io.manchete.gateway.cache;

import io.manchete.gateway.page.PageRoute;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PageKeysTest {
    private final PageKeys keys = new PageKeys(List.of("utm_*", "fbclid", "gclid", "mc_cid", "mc_eid", "_ga", "ref"),
            List.of());

    private String key(String query) {
        return keys.key(PageRoute.ARTICLE, "world", "a-story", query, MultiMap.caseInsensitiveMultiMap());
    }

    @Test
    void routeAndCanonicalPath() {
        assertEquals("page1 home /", keys.key(PageRoute.HOME, null, null, null, null));
        assertEquals("page1 section /world", keys.key(PageRoute.SECTION, "world", null, "", null));
        assertEquals("page1 article /world/a-story", key(null));
    }

    @Test
    void trackingParametersAreDroppedCaseInsensitivelyAndByPrefix() {
        assertEquals(key(null), key("utm_source=x&UTM_Medium=y&utm_campaign=&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&_ga=5&ref=6"));
        assertEquals(key(null), key("utm%5Fsource=x&&"));
        assertEquals("page1 article /world/a-story?page=2", key("page=2&utm_source=x"));
        // a name that only starts like a tracking one is kept
        assertEquals("page1 article /world/a-story?referrer=x", key("referrer=x"));
    }

    @Test
    void theRestIsSortedByNameKeepingTheOrderOfRepeatedNames() {
        assertEquals(key("a=1&b=2"), key("b=2&a=1"));
        assertEquals("page1 article /world/a-story?a=1&b=2&b=1", key("b=2&a=1&b=1&fbclid=z"));
        assertNotEquals(key("b=1&b=2"), key("b=2&b=1"));
        assertNotEquals(key("a=1"), key("a=2"));
        assertEquals("page1 article /world/a-story?flag", key("flag"));
    }

    @Test
    void keyHeadersArePartOfTheKey() {
        PageKeys withLanguage = new PageKeys(List.of("utm_*"), List.of("Accept-Language"));
        MultiMap english = MultiMap.caseInsensitiveMultiMap().add("accept-language", "en GB");
        MultiMap none = MultiMap.caseInsensitiveMultiMap();
        assertEquals("page1 section /world accept-language=en%20GB",
                withLanguage.key(PageRoute.SECTION, "world", null, null, english));
        assertEquals("page1 section /world accept-language=", withLanguage.key(PageRoute.SECTION, "world", null, null, none));
    }
}
