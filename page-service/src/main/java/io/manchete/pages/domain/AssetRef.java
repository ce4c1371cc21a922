package io.manchete.pages.domain;

/** One entry of the asset index: the current content hash (SHA-256 hex) of a named asset. */
public record AssetRef(String name, String contentType, String hash) {

    public String hashedName() {
        return AssetNames.hashedName(name, hash);
    }

    public String path() {
        return AssetNames.path(name, hash);
    }

    /** Whether a requested short hash names this asset's current content. */
    public boolean isCurrent(String shortHash) {
        return hash.startsWith(shortHash) && shortHash.length() == AssetNames.SHORT_HASH;
    }

    /** Strong validator for the content. */
    public String etag() {
        return "\"" + hash + "\"";
    }
}
