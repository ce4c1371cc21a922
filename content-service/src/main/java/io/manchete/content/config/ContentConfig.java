package io.manchete.content.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Everything under {@code manchete.content.*}. */
@ConfigMapping(prefix = "manchete.content")
public interface ContentConfig {

    /** Bearer token editors send on writes and to read drafts. */
    @WithDefault("dev-editor-token")
    String editorToken();

    Fragments fragments();

    Cache cache();

    /** {@code max-age} (seconds) of each fragment kind. */
    interface Fragments {
        @WithDefault("60")
        int articleMaxAge();

        @WithDefault("30")
        int sectionTeasersMaxAge();

        @WithDefault("60")
        int slugTeasersMaxAge();

        @WithDefault("10")
        int notFoundMaxAge();
    }

    /** Per-entry lifespans in the Infinispan caches, and how long a cache call may take. */
    interface Cache {
        /** Article JSON by slug ({@code content-articles}). */
        @WithDefault("PT10M")
        Duration articleLifespan();

        /** Section list pages ({@code content-articles}, keyed by section generation). */
        @WithDefault("PT2M")
        Duration listLifespan();

        /** Rendered fragments ({@code content-fragments}). */
        @WithDefault("PT5M")
        Duration fragmentLifespan();

        /** Section generation markers; losing one only costs misses. */
        @WithDefault("PT24H")
        Duration generationLifespan();

        /** Longest wait for one Hot Rod call before the database is used instead. */
        @WithDefault("PT0.5S")
        Duration timeout();

        /**
         * After a failed Hot Rod call reads skip Infinispan; a background probe pings the caches this
         * often and puts them back in use once they answer (commons {@code CacheAvailability}).
         */
        @WithDefault("PT1S")
        Duration probeEvery();
    }
}
