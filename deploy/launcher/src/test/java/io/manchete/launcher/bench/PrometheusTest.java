package io.manchete.launcher.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the bench reads of the gateway's duration histograms: latency by route, and of its calls upstream, over the run. */
class PrometheusTest {

    private static Prometheus.Scrape scrape(long fastComment, long slowComment, long fastPage) {
        String b = "manchete_page_duration_seconds_bucket";
        String text = String.join("\n",
                "# HELP manchete_page_duration_seconds Time to answer a request at the gateway",
                b + "{route=\"comment\",status=\"303\",le=\"0.005\"} " + fastComment,
                b + "{route=\"comment\",status=\"303\",le=\"0.05\"} " + (fastComment + slowComment),
                b + "{route=\"comment\",status=\"303\",le=\"+Inf\"} " + (fastComment + slowComment),
                b + "{route=\"article\",status=\"200\",le=\"0.005\"} " + fastPage,
                b + "{route=\"article\",status=\"200\",le=\"0.05\"} " + fastPage,
                b + "{route=\"article\",status=\"200\",le=\"+Inf\"} " + fastPage,
                "manchete_page_duration_seconds_count{route=\"comment\",status=\"303\"} " + (fastComment + slowComment),
                "manchete_fragment_duration_seconds_bucket{service=\"comments\",slot=\"comment-post\",outcome=\"ok\",le=\"0.005\"} "
                        + fastComment,
                "manchete_fragment_duration_seconds_bucket{service=\"comments\",slot=\"comment-post\",outcome=\"ok\",le=\"0.05\"} "
                        + (fastComment + slowComment),
                "manchete_fragment_duration_seconds_bucket{service=\"comments\",slot=\"comment-post\",outcome=\"ok\",le=\"+Inf\"} "
                        + (fastComment + slowComment),
                "manchete_jvm_bucket{le=\"1\"} 7",
                "manchete_other_duration_seconds_bucket{le=\"0.005\"} 7",
                "");
        return new Prometheus.Scrape(Prometheus.parse(text), true);
    }

    @Test
    void aQuantileIsTheBoundOfTheBucketThatHoldsItCountedOverTheRun() {
        Prometheus.Scrape before = scrape(100, 0, 50);
        // during the run: 10 fast comment posts and 90 slow ones, 1,000 fast article pages
        Prometheus.Scrape after = scrape(110, 90, 1050);
        assertEquals(50.0, after.quantileMs(before, Prometheus.PAGE_BUCKETS, "route", "comment", 0.50), 1e-9);
        assertEquals(5.0, after.quantileMs(before, Prometheus.PAGE_BUCKETS, "route", "comment", 0.10), 1e-9);
        assertEquals(5.0, after.quantileMs(before, Prometheus.PAGE_BUCKETS, "route", "article", 0.99), 1e-9);
        // without the run's delta the old fast posts would have hidden the slow ones
        assertEquals(5.0, after.quantileMs(null, Prometheus.PAGE_BUCKETS, "route", "comment", 0.50), 1e-9);
        assertTrue(Double.isNaN(after.quantileMs(before, Prometheus.PAGE_BUCKETS, "route", "home", 0.5)));
    }

    @Test
    void onlyThePageAndUpstreamDurationBucketsAreKept() {
        Prometheus.Scrape s = scrape(1, 1, 1);
        assertTrue(s.has(Prometheus.PAGE_BUCKETS));
        assertTrue(s.has(Prometheus.FRAGMENT_BUCKETS));
        assertTrue(!s.has("manchete_other_duration_seconds_bucket"));
        assertTrue(!s.has("manchete_jvm_bucket"));
    }

    @Test
    void theCallToCommentsServiceIsReadBySlot() {
        Prometheus.Scrape before = scrape(100, 0, 50);
        Prometheus.Scrape after = scrape(110, 90, 1050);
        assertEquals(50.0, after.quantileMs(before, Prometheus.FRAGMENT_BUCKETS, "slot", "comment-post", 0.99), 1e-9);
        assertEquals(5.0, after.quantileMs(before, Prometheus.FRAGMENT_BUCKETS, "slot", "comment-post", 0.05), 1e-9);
        assertTrue(Double.isNaN(after.quantileMs(before, Prometheus.FRAGMENT_BUCKETS, "slot", "main", 0.5)));
    }
}
