package io.manchete.gateway.metrics;

import io.manchete.gateway.cache.CacheResult;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class GatewayMetricsTest {

    @Test
    void theMetersGoStraightToTheOnlyRegistryBehindAComposite() {
        SimpleMeterRegistry only = new SimpleMeterRegistry();
        CompositeMeterRegistry composite = new CompositeMeterRegistry().add(only);
        assertSame(only, GatewayMetrics.direct(composite));

        GatewayMetrics metrics = new GatewayMetrics(composite);
        metrics.pageCache(CacheResult.HIT);
        metrics.page("article", 200, 1_000_000);
        assertEquals(1.0, only.get(GatewayMetrics.PAGE_CACHE).tag("result", CacheResult.HIT.tag()).counter().count());
        assertEquals(1L, only.get(GatewayMetrics.PAGE_DURATION).timer().count());
    }

    @Test
    void otherwiseTheyGoWhereTheyWereAsked() {
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        assertSame(plain, GatewayMetrics.direct(plain));
        CompositeMeterRegistry two = new CompositeMeterRegistry().add(new SimpleMeterRegistry()).add(new SimpleMeterRegistry());
        assertSame(two, GatewayMetrics.direct(two));
        CompositeMeterRegistry none = new CompositeMeterRegistry();
        assertSame(none, GatewayMetrics.direct(none), "children added later still get the meters");
    }
}
