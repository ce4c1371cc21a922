package io.manchete.launcher;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoDataTest {
    private final DemoData.Size size = new DemoData.Size(500, 0, 42L);

    @Test
    void theSameSeedGivesTheSameSite() {
        List<DemoData.Article> a = new DemoData(size).articles();
        List<DemoData.Article> b = new DemoData(size).articles();
        assertEquals(a, b);
        assertNotEquals(a, new DemoData(new DemoData.Size(500, 0, 7L)).articles());
    }

    @Test
    void articlesAreValidNewestFirstAndUnique() {
        List<DemoData.Article> articles = new DemoData(size).articles();
        Set<String> slugs = new HashSet<>();
        for (int i = 0; i < articles.size(); i++) {
            DemoData.Article a = articles.get(i);
            assertTrue(a.slug().matches("[a-z0-9]+(-[a-z0-9]+)*") && a.slug().length() <= 160, a.slug());
            assertTrue(slugs.add(a.slug()), "duplicate slug " + a.slug());
            assertTrue(DemoData.SECTIONS.contains(a.section()));
            assertTrue(a.body().length() >= 2_000 && a.body().length() <= 6_400, "body size " + a.body().length());
            if (i > 0) {
                assertTrue(a.publishedAt().isBefore(articles.get(i - 1).publishedAt()), "newest first");
            }
        }
    }

    @Test
    void zipfSamplingFavoursTheTopRanks() {
        double[] cdf = DemoData.zipfCdf(10_000, 1.0);
        assertEquals(0, DemoData.sample(cdf, 0.0));
        assertEquals(9_999, DemoData.sample(cdf, 1.0));
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        int top100 = 0;
        for (int i = 0; i < 10_000; i++) {
            if (DemoData.sample(cdf, random.nextDouble()) < 100) {
                top100++;
            }
        }
        // H(100)/H(10000) ≈ 0.53: the top 1% of articles draw about half the traffic
        assertTrue(top100 > 4_800 && top100 < 5_800, "top-100 share " + top100);
    }

    @Test
    void copyRowsEscapeTabsNewlinesAndBackslashes() {
        StringBuilder out = new StringBuilder();
        DemoData.row(out, "a\tb", "line1\nline2", "back\\slash");
        assertEquals("a\\tb\tline1\\nline2\tback\\\\slash\n", out.toString());
    }

    @Test
    void popularityIsAPermutation() {
        int[] order = new DemoData(size).popularity();
        Set<Integer> seen = new HashSet<>();
        for (int i : order) {
            seen.add(i);
        }
        assertEquals(size.articles(), seen.size());
    }
}
