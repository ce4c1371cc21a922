package io.manchete.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Everything the gateway needs to know about its upstreams. Defaults (URLs and per-service
 * timeouts) live in {@code application.properties}, so each upstream can have its own budget.
 */
@ConfigMapping(prefix = "manchete")
public interface GatewayConfig {

    Services services();

    /** max-age of a page that shows a placeholder instead of a secondary fragment. */
    @WithDefault("10s")
    Duration placeholderMaxAge();

    /** Largest comment form body the gateway reads (bytes); bigger → 413. */
    @WithDefault("65536")
    long commentFormMaxBytes();

    interface Services {
        Service page();

        Service content();

        Service comments();
    }

    interface Service {
        /** Base URL, e.g. {@code http://127.0.0.1:8082}. */
        String url();

        /** Budget for one read (layout, fragment, asset), from sending to the last byte. */
        Duration timeout();

        /** Budget for one write (comment POST). */
        @WithDefault("2s")
        Duration writeTimeout();

        /** Keep-alive connections to this upstream. */
        @WithDefault("64")
        int poolSize();

        @WithDefault("250ms")
        Duration connectTimeout();
    }
}
