package io.manchete.pages.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Content-hashed asset names: {@code site.css} with content hash {@code 3f2a9c1b0d…} is served as
 * {@code site.3f2a9c1b0d.css}. The short hash is the first {@value #SHORT_HASH} hex digits of the
 * content's SHA-256, so a new content gets a new name and the old name can be cached forever.
 */
public final class AssetNames {
    public static final int SHORT_HASH = 10;
    public static final String PATH_PREFIX = "/assets/";
    /** {@code base.ext}: lower-case letters, digits and dashes, one dot. */
    private static final Pattern NAME = Pattern.compile("([a-z0-9][a-z0-9-]{0,79})\\.([a-z0-9]{1,10})");
    private static final Pattern HASHED = Pattern.compile("([a-z0-9][a-z0-9-]{0,79})\\.([0-9a-f]{" + SHORT_HASH + "})\\.([a-z0-9]{1,10})");

    private AssetNames() {
    }

    /** The plain name a hashed name points at, and the short hash it claims. */
    public record Hashed(String name, String shortHash) {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Lower-case hex SHA-256 of the content (64 digits). */
    public static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code site.css} + hash → {@code site.<first 10 hex>.css}. */
    public static String hashedName(String name, String hash) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an asset name: " + name);
        }
        if (hash == null || hash.length() < SHORT_HASH || !hash.substring(0, SHORT_HASH).matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("not a hex content hash: " + hash);
        }
        return m.group(1) + "." + hash.substring(0, SHORT_HASH) + "." + m.group(2);
    }

    /** The URL path the asset is served under: {@code /assets/site.<hash>.css}. */
    public static String path(String name, String hash) {
        return PATH_PREFIX + hashedName(name, hash);
    }

    /** {@code site.3f2a9c1b0d.css} → ({@code site.css}, {@code 3f2a9c1b0d}); empty for anything else. */
    public static Optional<Hashed> parse(String hashedName) {
        if (hashedName == null) {
            return Optional.empty();
        }
        Matcher m = HASHED.matcher(hashedName);
        return m.matches() ? Optional.of(new Hashed(m.group(1) + "." + m.group(3), m.group(2))) : Optional.empty();
    }
}
