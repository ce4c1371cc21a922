package io.manchete.pages.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.manchete.pages.cache.PageCaches;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.AssetNames;
import io.manchete.pages.domain.AssetRef;
import io.manchete.commons.outbox.PurgeDelivery;
import io.manchete.pages.purge.PurgeTags;
import io.manchete.pages.store.PageStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Assets under content-hashed names. The index (name → current hash) always comes from
 * {@code pages-assets} or the database, so a replaced asset's old name is gone at once. Contents are
 * immutable per hash: {@code pages-assets} holds them base64 under {@code content:<sha256>}, and a
 * small in-process map keyed by the same hash saves decoding them on every request.
 */
@ApplicationScoped
public class AssetService {
    static final String INDEX = "index";
    private static final int LOCAL_ENTRIES = 64;
    private static final TypeReference<List<AssetRef>> LIST = new TypeReference<>() {
    };

    private final PageCaches caches;
    private final PageStore store;
    private final Json json;
    private final PagesConfig config;
    private final PurgeDelivery purges;
    private final Map<String, byte[]> local = new ConcurrentHashMap<>();

    public AssetService(PageCaches caches, PageStore store, Json json, PagesConfig config, PurgeDelivery purges) {
        this.caches = caches;
        this.store = store;
        this.json = json;
        this.config = config;
        this.purges = purges;
    }

    /** A served asset: which one, and its bytes. */
    public record Content(AssetRef asset, byte[] bytes) {
    }

    /** The result of an upload. */
    public record Saved(AssetRef asset, boolean created, boolean changed) {
    }

    public Uni<List<AssetRef>> index() {
        return caches.readThrough(PageCaches.ASSETS, INDEX, config.cache().assetLifespan(),
                        () -> store.assets().map(json::write))
                .map(text -> json.read(text, LIST));
    }

    /** The bytes behind a hashed name, or empty when the name is unknown or no longer current. */
    public Uni<Optional<Content>> content(String hashedName) {
        Optional<AssetNames.Hashed> parsed = AssetNames.parse(hashedName);
        if (parsed.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        AssetNames.Hashed wanted = parsed.get();
        return index().chain(index -> {
            Optional<AssetRef> current = index.stream()
                    .filter(ref -> ref.name().equals(wanted.name()) && ref.isCurrent(wanted.shortHash()))
                    .findFirst();
            if (current.isEmpty()) {
                return Uni.createFrom().item(Optional.<Content>empty());
            }
            return bytes(current.get()).map(bytes -> bytes == null ? Optional.<Content>empty()
                    : Optional.of(new Content(current.get(), bytes)));
        });
    }

    private Uni<byte[]> bytes(AssetRef ref) {
        byte[] known = local.get(ref.hash());
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        String key = "content:" + ref.hash();
        return caches.readThrough(PageCaches.ASSETS, key, config.cache().assetLifespan(),
                        () -> store.assetContent(ref.name(), ref.hash())
                                .map(bytes -> bytes == null ? null : Base64.getEncoder().encodeToString(bytes)))
                .map(encoded -> encoded == null ? null : remember(ref.hash(), Base64.getDecoder().decode(encoded)));
    }

    private byte[] remember(String hash, byte[] bytes) {
        if (local.size() >= LOCAL_ENTRIES) {
            local.clear();
        }
        local.put(hash, bytes);
        return bytes;
    }

    /**
     * Stores new content for a named asset. The database commits first, with {@code shell} in the
     * purge outbox; then the content and the refreshed index go into {@code pages-assets}, every
     * cached layout is dropped, because each one links the assets by their hashed names, and the
     * purge relay is kicked. Unchanged content writes and records nothing.
     */
    public Uni<Saved> save(String name, String contentType, byte[] content) {
        String hash = AssetNames.sha256Hex(content);
        AssetRef ref = new AssetRef(name, contentType, hash);
        return index().chain(index -> {
            boolean unchanged = index.stream().anyMatch(existing -> existing.equals(ref));
            if (unchanged) {
                return Uni.createFrom().item(new Saved(ref, false, false));
            }
            return store.saveAsset(name, contentType, content, hash, PurgeTags.asset())
                    .call(() -> caches.put(PageCaches.ASSETS, "content:" + hash, Base64.getEncoder().encodeToString(content),
                            config.cache().assetLifespan()))
                    .call(() -> store.assets().chain(fresh ->
                            caches.put(PageCaches.ASSETS, INDEX, json.write(fresh), config.cache().assetLifespan())))
                    .call(() -> caches.clear(PageCaches.LAYOUTS))
                    .invoke(purges::kick)
                    .map(created -> new Saved(ref, created, true));
        });
    }
}
