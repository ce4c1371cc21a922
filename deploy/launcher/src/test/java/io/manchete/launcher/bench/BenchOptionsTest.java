package io.manchete.launcher.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchOptionsTest {
    private static final Path ROOT = Path.of("/tmp/manchete-bench-options");

    @Test
    void theGatewayKeepsTheDemosPagesInMemoryAsVarnishDoes() {
        assertEquals("11000", BenchOptions.parse(new String[0], ROOT).gatewayProps().get(BenchOptions.NEAR_CACHE_PAGES),
                "10,000 articles, their sections and the home page");
        assertEquals("5000", BenchOptions.parse(new String[] {"--articles", "100"}, ROOT).gatewayProps()
                .get(BenchOptions.NEAR_CACHE_PAGES), "never below the product's default");
        assertEquals(Integer.toString(BenchOptions.MAX_NEAR_CACHE_PAGES), BenchOptions.parse(new String[] {"--articles", "50000"}, ROOT)
                .gatewayProps().get(BenchOptions.NEAR_CACHE_PAGES), "within what the gateway's heap holds");
        assertEquals("2000", BenchOptions.parse(new String[] {"--gateway-prop", BenchOptions.NEAR_CACHE_PAGES + "=2000"}, ROOT)
                .gatewayProps().get(BenchOptions.NEAR_CACHE_PAGES), "--gateway-prop says otherwise");
        assertEquals("44000", BenchOptions.parse(new String[0], ROOT).gatewayProps().get(BenchOptions.NEAR_CACHE_TAGS),
                "four tag versions per page");
        assertEquals("8000", BenchOptions.parse(new String[] {"--gateway-prop", BenchOptions.NEAR_CACHE_PAGES + "=2000"}, ROOT)
                .gatewayProps().get(BenchOptions.NEAR_CACHE_TAGS));
        assertEquals("false", BenchOptions.parse(new String[0], ROOT).gatewayProps().get("manchete.access-log.enabled"));
    }
}
