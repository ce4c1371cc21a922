package io.manchete.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the gateway needs to know about its upstreams, its caches and its purge API. Defaults
 * of the upstreams (URLs and per-service timeouts) live in {@code application.properties}, so each
 * upstream can have its own budget.
 */
@ConfigMapping(prefix = "manchete")
public interface GatewayConfig {

    Services services();

    /** max-age of a page that shows a placeholder instead of a secondary fragment. */
    @WithDefault("5s")
    Duration placeholderMaxAge();

    /**
     * max-age of a page that shows a placeholder because a secondary fragment was late (a timeout, not
     * a refusal, an error or an open breaker): the service is up and finishes the read the gateway
     * gave up on, so a build soon after likely shows it (with a late limit, see
     * {@link Service#lateLimit()}, the gateway's own read goes on and fills the fragment cache).
     */
    @WithDefault("1s")
    Duration lateFragmentMaxAge();

    /** Largest comment form body the gateway reads (bytes); bigger → 413. */
    @WithDefault("65536")
    long commentFormMaxBytes();

    PageCache pageCache();

    /** {@code manchete.fragment-cache.*}: the cache of fragments behind the page cache. */
    FragmentCache fragmentCache();

    Purge purge();

    /** {@code manchete.access-log.*}: one line per request (category {@code io.manchete.gateway.access}). */
    AccessLog accessLog();

    /** {@code manchete.early-hints.*}: {@code 103 Early Hints} with the layout's assets on pages not served from cache. */
    EarlyHints earlyHints();

    /** {@code manchete.early-flush.*}: streaming a page whose secondary fragments are late. */
    EarlyFlush earlyFlush();

    interface AccessLog {
        /** {@code false} for benchmarks: no line per request. */
        @WithDefault("true")
        boolean enabled();
    }

    interface EarlyHints {
        /**
         * Send {@code 103 Early Hints} ({@code Link: <…>; rel=preload}) as soon as the layout of a page
         * that is being assembled is known (never to HTTP/1.0 clients). {@code false} behind a proxy
         * that cannot pass 1xx answers on; the final answer of a miss carries the {@code Link} anyway.
         */
        @WithDefault("true")
        boolean enabled();
    }

    interface EarlyFlush {
        /**
         * Stream a page being assembled (GET, HTTP/1.1 or later) when a secondary fragment is still
         * missing {@link #after()} after the fragments were asked for: the status (the primary
         * fragment's must be known first), head and everything before the late fragment go out at
         * once, the rest as it arrives. Such an answer is {@code private} with the placeholder max-age
         * at most (a late fragment may still fail); the page cache stores the whole page as usual.
         */
        @WithDefault("true")
        boolean enabled();

        /** How long to wait for every fragment before streaming. */
        @WithDefault("30ms")
        Duration after();
    }

    interface FragmentCache {
        /**
         * Whether fragments are cached. {@code false}: every fragment is fetched from its service on
         * every assembly (concurrent fetches of one fragment still share one call); layouts stay
         * cached. For measuring composition itself (the benchmark's fan-out scenario), not for production.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** {@code manchete.page-cache.*}: the page cache and the caches behind it (fragments, tag versions). */
    interface PageCache {
        /**
         * Whether assembled pages are cached. {@code false}: every request composes (the fragment
         * cache is still used) — the benchmark's "miss" scenario.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Query parameters that do not change a page and are left out of the cache key: names, or
         * prefixes ending in {@code *}; compared case-insensitively.
         */
        @WithDefault("utm_*,fbclid,gclid,dclid,gbraid,wbraid,msclkid,mc_cid,mc_eid,_ga,_gl,igshid,yclid,ref")
        List<String> trackingParameters();

        /**
         * Request headers whose value changes a page and is therefore part of the cache key (none
         * today; e.g. {@code Accept-Language} once pages are translated).
         */
        Optional<List<String>> keyHeaders();

        /** How long a "no such page" (404) may be cached at most (and when the upstream said nothing). */
        @WithDefault("10s")
        Duration notFoundMaxAge();

        /**
         * Browsers get {@code max-age} = min(remaining freshness, this); the CDN gets the full
         * remaining freshness in {@code Surrogate-Control}.
         */
        @WithDefault("30s")
        Duration browserMaxAge();

        /**
         * How long past its max-age an entry is kept for stale-if-error at most (the upstreams ask
         * for a day; the cache keeps the last good copy this long).
         */
        @WithDefault("1h")
        Duration staleRetention();

        /** Budget of one Infinispan call on the request path; past it the cache counts as unavailable. */
        @WithDefault("250ms")
        Duration timeout();

        /**
         * After an Infinispan failure requests compose without the caches until a background probe,
         * asking this often, gets through to all three (creating again those an empty restarted server lacks).
         */
        @WithDefault("1s")
        Duration retryAfterFailure();

        /**
         * Largest clock difference between gateway replicas. A fragment whose tags were first seen
         * after its fetch is only stored when none of them was purged within this time before the
         * fetch (the purge and the fetch might have crossed).
         */
        @WithDefault("2s")
        Duration clockSkew();

        /** Lifespan of a tag version in Infinispan (an expired version just makes its entries stale). */
        @WithDefault("24h")
        Duration tagVersionLifespan();

        /**
         * Hot Rod near-cache sizes (entries per gateway). They are applied through
         * {@code quarkus.infinispan-client.cache.<name>.near-cache-max-entries} in
         * {@code application.properties}; listed here so they are documented in one place.
         */
        NearCache nearCache();

        interface NearCache {
            @WithDefault("5000")
            int pages();

            @WithDefault("4000")
            int fragments();

            @WithDefault("20000")
            int tags();
        }
    }

    /** {@code manchete.purge.*}: the purge API ({@code POST /internal/v1/purge}). */
    interface Purge {
        /** Bearer token the services' purge relays send. */
        @WithDefault("dev-purge-token")
        String token();

        /** Budget for recording all tag versions of one purge in Infinispan; past it → 503. */
        @WithDefault("2s")
        Duration timeout();

        /** Largest purge request body (bytes). */
        @WithDefault("1048576")
        long maxBodyBytes();

        /** Most tags in one purge request. */
        @WithDefault("10000")
        int maxTags();
    }

    interface Services {
        Service page();

        Service content();

        Service comments();
    }

    interface Service {
        /** Base URL, e.g. {@code http://127.0.0.1:8082}. */
        String url();

        /**
         * Budget for one read attempt (layout, fragment, asset), from sending to the last byte: the
         * fault-tolerance timeout of this upstream. A retry (see {@link #retry()}) gets its own.
         */
        Duration timeout();

        /**
         * How long a read of this upstream may go on past its {@link #timeout()} while a page still
         * waits for its primary fragment anyway (a secondary fragment late only then costs the reader
         * nothing): the fault-tolerance timeout of its reads. A fragment cut at its budget, or when the
         * primary arrived, still completes in the background up to this limit and fills the fragment
         * cache. Unset: the budget (no patience), the default: bench (d) measured p50 +40 ms with
         * patience at saturation, as reads nobody waits for any more still hold bulkhead slots.
         */
        Optional<Duration> lateLimit();

        /** Budget for one write (comment POST). */
        @WithDefault("2s")
        Duration writeTimeout();

        /** Keep-alive connections to this upstream. */
        @WithDefault("64")
        int poolSize();

        @WithDefault("250ms")
        Duration connectTimeout();

        /** The circuit breaker of this upstream (SmallRye Fault Tolerance). */
        Breaker breaker();

        /** The bulkhead of this upstream: calls in flight at once, and calls waiting for a slot. */
        Bulkhead bulkhead();

        /** Retries of reads (GET only); writes are never retried. */
        Retry retry();
    }

    interface Breaker {
        /** Rolling window: the last this many calls decide (and the breaker only opens once it is full). */
        @WithDefault("20")
        int window();

        /** Share of failed calls in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /**
         * How long it stays open before letting trial calls through (half-open). Short: together with
         * the placeholder max-age it bounds how long pages stay degraded after a service returns.
         */
        @WithDefault("2s")
        Duration delay();

        /** Successful trial calls that close it again. */
        @WithDefault("2")
        int successThreshold();
    }

    interface Bulkhead {
        /** Calls in flight at once. */
        @WithDefault("32")
        int limit();

        /** Calls waiting for a slot (within their timeout); beyond that a call is refused at once. */
        @WithDefault("32")
        int queue();
    }

    interface Retry {
        /** Retries of one read at most (0: none). */
        @WithDefault("1")
        int maxRetries();

        /** Pause before a retry ... */
        @WithDefault("25ms")
        Duration delay();

        /** ... plus or minus a random share of this. */
        @WithDefault("20ms")
        Duration jitter();

        /**
         * Retries per second to this upstream at most (the retry budget): beyond it a failed read is
         * not retried, so retries cannot multiply the load on an upstream that is struggling.
         */
        @WithDefault("10")
        int budgetPerSecond();
    }
}
