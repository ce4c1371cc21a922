package io.manchete.pages.domain;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssetNamesTest {
    /** SHA-256("abc"), FIPS 180-2 test vector. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hashIsLowerCaseHexSha256() {
        assertEquals(ABC, AssetNames.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ABC, AssetNames.sha256Hex("abc"));
    }

    @Test
    void hashedNameKeepsBaseAndExtensionAroundTheFirstTenHexDigits() {
        assertEquals("site.ba7816bf8f.css", AssetNames.hashedName("site.css", ABC));
        assertEquals("logo.ba7816bf8f.svg", AssetNames.hashedName("logo.svg", ABC));
        assertEquals("/assets/site.ba7816bf8f.js", AssetNames.path("site.js", ABC));
    }

    @Test
    void differentContentGivesADifferentName() {
        String a = AssetNames.hashedName("site.css", AssetNames.sha256Hex("body{color:red}"));
        String b = AssetNames.hashedName("site.css", AssetNames.sha256Hex("body{color:blue}"));
        assertNotEquals(a, b);
    }

    @Test
    void parseRoundTrips() {
        assertEquals(Optional.of(new AssetNames.Hashed("site.css", "ba7816bf8f")), AssetNames.parse("site.ba7816bf8f.css"));
        assertEquals(Optional.of(new AssetNames.Hashed("big-logo.svg", "0123456789")), AssetNames.parse("big-logo.0123456789.svg"));
    }

    @Test
    void parseRejectsAnythingElse() {
        for (String bad : new String[]{null, "", "site.css", "site.ba7816bf8.css", "site.ba7816bf8f0.css",
                "site.BA7816BF8F.css", "site.ba7816bf8g.css", "../site.ba7816bf8f.css", "site.ba7816bf8f.css/x",
                "Site.ba7816bf8f.css", "site.ba7816bf8f.", ".ba7816bf8f.css"}) {
            assertTrue(AssetNames.parse(bad).isEmpty(), () -> "should reject " + bad);
        }
    }

    @Test
    void validNamesHaveOneDotAndSafeCharacters() {
        assertTrue(AssetNames.isValidName("site.css"));
        assertTrue(AssetNames.isValidName("hero-image.png"));
        assertFalse(AssetNames.isValidName("site"));
        assertFalse(AssetNames.isValidName("site.min.css"));
        assertFalse(AssetNames.isValidName("Site.css"));
        assertFalse(AssetNames.isValidName("../etc.passwd"));
        assertFalse(AssetNames.isValidName(null));
        assertThrows(IllegalArgumentException.class, () -> AssetNames.hashedName("site", ABC));
        assertThrows(IllegalArgumentException.class, () -> AssetNames.hashedName("site.css", "xyz"));
    }

    @Test
    void anAssetRefKnowsItsCurrentShortHash() {
        AssetRef ref = new AssetRef("site.css", "text/css", ABC);
        assertEquals("site.ba7816bf8f.css", ref.hashedName());
        assertEquals("/assets/site.ba7816bf8f.css", ref.path());
        assertEquals("\"" + ABC + "\"", ref.etag());
        assertTrue(ref.isCurrent("ba7816bf8f"));
        assertFalse(ref.isCurrent("ba7816bf8e"));
        assertFalse(ref.isCurrent("ba7816"));
    }
}
