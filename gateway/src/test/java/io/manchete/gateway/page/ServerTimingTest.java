package io.manchete.gateway.page;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerTimingTest {

    @Test
    void formatsDurationsInMillisecondsWithOneDecimal() {
        String header = new ServerTiming()
                .add("layout", 3_140_000, null)
                .add("frag-main", 12_000_000, "content")
                .add("frag-comments", 8_250_001, "comments")
                .toString();
        assertEquals("layout;dur=3.1, frag-main;dur=12.0;desc=\"content\", frag-comments;dur=8.3;desc=\"comments\"", header);
    }

    @Test
    void namesAreTokensAndDescriptionsAreQuoted() {
        assertEquals("frag_a_b;dur=0.0;desc=\"x\\\"y\"", new ServerTiming().add("frag a/b", 0, "x\"y").toString());
    }
}
