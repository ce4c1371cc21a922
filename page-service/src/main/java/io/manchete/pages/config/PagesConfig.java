package io.manchete.pages.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Everything under {@code manchete.pages.*}. */
@ConfigMapping(prefix = "manchete.pages")
public interface PagesConfig {

    /** Bearer token that editors send on writes (fronts, assets). */
    @WithDefault("dev-editor-token")
    String editorToken();

    Layout layout();

    Cache cache();

    Asset asset();

    interface Layout {
        /** {@code maxAge} of a layout whose row does not set its own (seconds). */
        @WithDefault("300")
        int maxAge();
    }

    interface Cache {
        /** How long a rendered layout JSON stays in {@code pages-layouts} (writes evict it earlier). */
        @WithDefault("10M")
        Duration layoutLifespan();

        /** How long a front or the navigation stays cached. */
        @WithDefault("10M")
        Duration frontLifespan();

        /** How long the asset index and asset contents stay in {@code pages-assets}. */
        @WithDefault("1H")
        Duration assetLifespan();

        /** Longest wait for Infinispan before the database answers instead. */
        @WithDefault("1S")
        Duration timeout();

        /**
         * After a failed Infinispan call reads skip it; a background probe pings the caches this often
         * and puts them back in use once they answer (commons {@code CacheAvailability}).
         */
        @WithDefault("1S")
        Duration probeEvery();
    }

    interface Asset {
        /** Largest asset an editor may upload (bytes); bigger is 413. */
        @WithDefault("1048576")
        int maxBytes();
    }
}
