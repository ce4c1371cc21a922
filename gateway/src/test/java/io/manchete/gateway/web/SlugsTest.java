package io.manchete.gateway.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlugsTest {

    @Test
    void acceptsTheContractPattern() {
        for (String ok : new String[] {"a", "world", "hello-world", "a1-b2-c3", "2024", "a".repeat(160)}) {
            assertTrue(Slugs.isSlug(ok), ok);
        }
    }

    @Test
    void rejectsEverythingElse() {
        for (String bad : new String[] {null, "", "-a", "a-", "a--b", "A", "a_b", "a b", "a/b", "é", "a.b",
                "a".repeat(161)}) {
            assertFalse(Slugs.isSlug(bad), String.valueOf(bad));
        }
        assertFalse(Slugs.isSection("a".repeat(61)));
    }

    @Test
    void assetNames() {
        assertTrue(GatewayRoutes.isAssetName("site.0123abcd.css"));
        assertTrue(GatewayRoutes.isAssetName("logo_2-x.svg"));
        assertFalse(GatewayRoutes.isAssetName("../secret"));
        assertFalse(GatewayRoutes.isAssetName(".hidden"));
        assertFalse(GatewayRoutes.isAssetName("a/b"));
        assertFalse(GatewayRoutes.isAssetName(""));
    }

    @Test
    void idempotencyKeysAreStableAndUnambiguous() {
        String key = IdempotencyKeys.of("world", "s", "ana", "hi", "127.0.0.1", 1);
        assertTrue(key.matches("[0-9a-f]{64}"));
        assertTrue(key.equals(IdempotencyKeys.of("world", "s", "ana", "hi", "127.0.0.1", 1)));
        assertFalse(key.equals(IdempotencyKeys.of("world", "s", "ana", "hi", "127.0.0.1", 2)));
        assertFalse(key.equals(IdempotencyKeys.of("world", "s", "ana", "hi", "127.0.0.2", 1)));
        // moving text from one field to the next must not give the same key
        assertFalse(IdempotencyKeys.of("w", "s", "ab", "c", "x", 1).equals(IdempotencyKeys.of("w", "s", "a", "bc", "x", 1)));
    }
}
