package io.manchete.commons.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Everything under {@code manchete.purge.*}: where and how the purge outbox is delivered. */
@ConfigMapping(prefix = "manchete.purge")
public interface PurgeConfig {

    /** Base URL of the gateway; the relay posts to {@code {gatewayUrl}/internal/v1/purge}. */
    @WithDefault("http://127.0.0.1:8080")
    String gatewayUrl();

    /** The {@code source} the relay names in its posts; absent: {@code quarkus.application.name}. */
    Optional<String> source();

    /** Bearer token of the gateway's purge API. */
    @WithDefault("dev-purge-token")
    String token();

    /** False: writes still record their tags, but nothing is delivered (the rows wait). */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often pending rows are looked for, besides the delivery right after each write: a short
     * period keeps the 1 s freshness promise even when that delivery is missed or fails once.
     */
    @WithDefault("PT0.25S")
    Duration period();

    /**
     * On shutdown, after the last request: how long the relay may spend delivering what is still
     * pending (settled or not) before the service exits. 0 skips it; what is left waits for the next start.
     */
    @WithDefault("PT2S")
    Duration shutdownFlush();
}
