package io.manchete.comments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code manchete.comments.*}: the moderator token, page sizes, fragment max-age, cache lifespans and group commit. */
@ConfigMapping(prefix = "manchete.comments")
public interface CommentsConfig {
    /** Bearer token that allows hiding comments. */
    @WithDefault("dev-moderator-token")
    String moderatorToken();

    /** Comments per page when no {@code limit} is given, and comments shown in the fragment. */
    @WithDefault("20")
    int pageSize();

    /** Largest {@code limit} a client may ask for. */
    @WithDefault("100")
    int maxPageSize();

    /** {@code max-age} of the comments fragment, in seconds. */
    @WithDefault("30")
    int fragmentMaxAge();

    Cache cache();

    Batch batch();

    /** Group commit of posts (see {@code PostBatcher}). */
    interface Batch {
        /**
         * While posts arrive faster than one per linger, the longest a post waits for others to share its
         * statement, commit and cache refresh. A lone post never waits. Zero: no wait at all (batches
         * form only from posts that arrive while one is in flight).
         */
        @WithDefault("PT0.005S")
        Duration linger();
    }

    interface Cache {
        /** How long a rendered first page stays in {@code comments-fragments}. */
        @WithDefault("PT1M")
        Duration fragmentLifespan();

        /** How long a count stays in {@code comments-counts}. */
        @WithDefault("PT1M")
        Duration countLifespan();

        /** Longest wait for one Hot Rod call before the service falls back to the database. */
        @WithDefault("PT0.5S")
        Duration timeout();

        /** After obtaining a cache from Infinispan failed (at boot), how long before the next attempt. */
        @WithDefault("PT5S")
        Duration retryAfter();

        /**
         * After a failed Hot Rod call reads skip Infinispan; a background probe pings the caches this
         * often and puts them back in use once they answer (commons {@code CacheAvailability}).
         */
        @WithDefault("PT1S")
        Duration probeEvery();
    }
}
