package io.manchete.gateway.metrics;

import io.manchete.gateway.cache.CacheResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The gateway's own timers and cache counters. Tag values are bounded (services, slot names from the
 * layouts, a few outcomes, routes, statuses, cache results); meters are looked up once and kept.
 */
@Singleton
public class GatewayMetrics {
    public static final String FRAGMENT_DURATION = "manchete.fragment.duration";
    public static final String PAGE_DURATION = "manchete.page.duration";
    public static final String PAGE_CACHE = "manchete.page.cache";
    public static final String FRAGMENT_CACHE = "manchete.fragment.cache";
    public static final String PAGE_STREAMED = "manchete.page.streamed";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicReferenceArray<Timer>> pageTimers = new ConcurrentHashMap<>();
    private final Counter[] pageCache = new Counter[CacheResult.values().length];
    private final Counter[] fragmentCache = new Counter[CacheResult.values().length];
    private final Counter streamed;

    public GatewayMetrics(MeterRegistry meters) {
        MeterRegistry registry = direct(meters);
        this.registry = registry;
        this.streamed = Counter.builder(PAGE_STREAMED)
                .description("Page answers streamed because a secondary fragment was late (early flush)")
                .register(registry);
        for (CacheResult result : CacheResult.values()) {
            pageCache[result.ordinal()] = Counter.builder(PAGE_CACHE)
                    .description("Page requests by how the page cache answered")
                    .tag("result", result.tag()).register(registry);
            fragmentCache[result.ordinal()] = Counter.builder(FRAGMENT_CACHE)
                    .description("Layout and fragment look-ups of page assembly by how the fragment cache answered")
                    .tag("result", result.tag()).register(registry);
        }
    }

    /**
     * The one registry behind Quarkus' composite, when there is exactly one (Prometheus): a meter of
     * the composite passes every update on to its children's meters, iterating over them, and these
     * meters are updated on every request (a page-cache hit included). Registered there directly they
     * are exported the same way.
     */
    static MeterRegistry direct(MeterRegistry registry) {
        if (registry instanceof CompositeMeterRegistry composite) {
            java.util.Set<MeterRegistry> children = composite.getRegistries();
            if (children.size() == 1) {
                return children.iterator().next();
            }
        }
        return registry;
    }

    /** A page answer that was streamed because a secondary fragment was late. */
    public void pageStreamed() {
        streamed.increment();
    }

    public void pageCache(CacheResult result) {
        pageCache[result.ordinal()].increment();
    }

    public void fragmentCache(CacheResult result) {
        fragmentCache[result.ordinal()].increment();
    }

    public void fragment(String service, String slot, String outcome, long nanos) {
        String key = "f\u0000" + service + '\u0000' + slot + '\u0000' + outcome;
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(FRAGMENT_DURATION)
                    .description("Time to fetch one upstream fragment (or layout)")
                    .tag("service", service).tag("slot", slot).tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void page(String route, int status, long nanos) {
        // every request: the timer is found by route, then by status, without building a key
        AtomicReferenceArray<Timer> byStatus = pageTimers.get(route);
        if (byStatus == null) {
            byStatus = pageTimers.computeIfAbsent(route, r -> new AtomicReferenceArray<>(600));
        }
        boolean cached = status >= 0 && status < 600;
        Timer timer = cached ? byStatus.get(status) : null;
        if (timer == null) {
            // the registry answers the timer already registered with these tags
            timer = Timer.builder(PAGE_DURATION)
                    .description("Time to answer a request at the gateway")
                    .tag("route", route).tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry);
            if (cached) {
                byStatus.set(status, timer);
            }
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
