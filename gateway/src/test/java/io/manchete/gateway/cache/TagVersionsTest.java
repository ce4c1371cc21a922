package io.manchete.gateway.cache;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TagVersionsTest {

    @Test
    void versionsCarryWhenTheyWerePurged() {
        String purged = TagVersions.purgeVersion(1_700_000_000_123L);
        assertTrue(purged.startsWith("1700000000123."), purged);
        assertEquals(1_700_000_000_123L, TagVersions.purgedAt(purged));
        assertEquals(0, TagVersions.purgedAt(TagVersions.initialVersion()));
        assertNotEquals(TagVersions.purgeVersion(1), TagVersions.purgeVersion(1));
    }

    @Test
    void anUnreadableVersionCountsAsJustPurged() {
        assertEquals(Long.MAX_VALUE, TagVersions.purgedAt(null));
        assertEquals(Long.MAX_VALUE, TagVersions.purgedAt("uuid-like"));
        assertEquals(Long.MAX_VALUE, TagVersions.purgedAt(".abc"));
        assertEquals(Long.MAX_VALUE, TagVersions.purgedAt("12x.abc"));
        assertEquals(Long.MAX_VALUE, TagVersions.purgedAt("99999999999999999999999.a"));
    }
}
