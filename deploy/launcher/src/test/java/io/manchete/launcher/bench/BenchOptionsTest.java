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
        java.util.Map<String, String> removed = BenchOptions.parse(
                new String[] {"--gateway-prop", BenchOptions.NEAR_CACHE_PAGES + "="}, ROOT).gatewayProps();
        assertEquals(null, removed.get(BenchOptions.NEAR_CACHE_PAGES), "k= removes the bench's setting: the product's default");
        assertEquals(null, removed.get(BenchOptions.NEAR_CACHE_TAGS), "and with it the tags' (the product's default too)");
        assertEquals("30000", BenchOptions.parse(new String[] {"--gateway-prop", BenchOptions.NEAR_CACHE_TAGS + "=30000",
                "--articles", "100"}, ROOT).gatewayProps().get(BenchOptions.NEAR_CACHE_TAGS), "a tag setting of one's own stays");
        assertEquals(null, BenchOptions.parse(new String[] {"--gateway-prop", BenchOptions.NEAR_CACHE_PAGES + "=lots"}, ROOT)
                .gatewayProps().get(BenchOptions.NEAR_CACHE_TAGS), "no tag size derived from a value that is not a number");
        assertEquals("false", BenchOptions.parse(new String[0], ROOT).gatewayProps().get("manchete.access-log.enabled"));
    }
}
