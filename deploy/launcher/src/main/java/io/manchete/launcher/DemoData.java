package io.manchete.launcher;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic news site: the same seed and size give the same articles, comments and fronts on
 * every machine. Loaded with PostgreSQL COPY straight into the services' tables (after each service
 * has migrated its own schema), which is what makes 10,000 articles and 200,000 comments take
 * seconds instead of minutes through the APIs. This is the one place outside a service that knows
 * its columns; the columns are pinned in docs/contracts.md.
 */
public final class DemoData {
    public static final List<String> SECTIONS = List.of("world", "politics", "business", "technology", "sports", "culture");
    /** Fixed clock so that the data does not depend on the day it is loaded. */
    static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

    /** How much to load. */
    public record Size(int articles, int comments, long seed) {
        public static Size standard() {
            return new Size(10_000, 200_000, 42L);
        }

        public static Size small() {
            return new Size(300, 3_000, 42L);
        }

        @Override
        public String toString() {
            return articles + " articles, " + comments + " comments (seed " + seed + ")";
        }
    }

    /** One generated article. */
    public record Article(String slug, String section, String title, String summary, String body, String author,
                          Instant publishedAt) {
        public String path() {
            return "/" + section + "/" + slug;
        }
    }

    private static final String[] SUBJECTS = {"Minister", "City council", "Central bank", "Union", "Court", "Startup",
            "Museum", "Coach", "Scientists", "Parliament", "Mayor", "Researchers", "Orchestra", "Club", "Regulator",
            "Governor", "Festival", "Airline", "Hospital", "University"};
    private static final String[] VERBS = {"announces", "rejects", "delays", "approves", "questions", "unveils",
            "defends", "reviews", "expands", "cuts", "wins", "loses", "plans", "warns about", "celebrates"};
    private static final String[] OBJECTS = {"budget plan", "new stadium", "rail expansion", "interest rates",
            "climate targets", "tax reform", "season opener", "vaccine rollout", "housing project", "trade deal",
            "museum wing", "election rules", "river cleanup", "chip factory", "transfer window", "water tariffs",
            "school reform", "port concession", "film festival", "data law"};
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or his "
            + "from at which but have an they you were her she there been one all we their has would when if so no "
            + "city council budget government report market season players team study data policy people public "
            + "year week official statement plan project workers growth prices energy water schools roads transport "
            + "election vote court law decision analysis experts local national sources according said told")
            .split(" ");
    private static final String[] FIRST = {"Ana", "Bruno", "Carla", "Diego", "Elisa", "Felipe", "Gabriela", "Hugo",
            "Isabel", "João", "Karina", "Lucas", "Marina", "Nuno", "Olivia", "Paulo", "Rita", "Sofia", "Tiago", "Vera"};
    private static final String[] LAST = {"Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa",
            "Almeida", "Ferreira", "Rocha", "Barros", "Pinto", "Moreira", "Cardoso", "Teixeira"};

    private final Size size;

    public DemoData(Size size) {
        this.size = size;
    }

    /** All articles, newest first (index 0 is the newest). */
    public List<Article> articles() {
        SplittableRandom random = new SplittableRandom(size.seed());
        List<Article> articles = new ArrayList<>(size.articles());
        for (int i = 0; i < size.articles(); i++) {
            String section = SECTIONS.get(random.nextInt(SECTIONS.size()));
            String subject = pick(random, SUBJECTS);
            String verb = pick(random, VERBS);
            String object = pick(random, OBJECTS);
            String title = subject + " " + verb + " " + object;
            String slug = slugify(title) + "-" + (i + 1);
            String summary = sentence(random, 18 + random.nextInt(12));
            String body = body(random, 2_000 + random.nextInt(4_000));
            String author = pick(random, FIRST) + " " + pick(random, LAST);
            Instant published = NOW.minus(i * 7L + random.nextInt(5), ChronoUnit.MINUTES);
            articles.add(new Article(slug, section, title, summary, body, author, published));
        }
        return articles;
    }

    /**
     * Popularity rank → article index: a fixed shuffle, so popular articles are spread over sections
     * and ages. Comment counts and the benchmark's Zipf traffic both follow this order.
     */
    public int[] popularity() {
        int[] order = new int[size.articles()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(size.seed() * 31 + 7);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Whether the content database already holds articles (then nothing is loaded again). */
    public boolean loaded(Postgres postgres, Map<String, ServiceSpec> specs) {
        try (Connection c = postgres.connect(specs.get("content").database()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM article)")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the content database: " + e.getMessage(), e);
        }
    }

    public void load(Postgres postgres, Map<String, ServiceSpec> specs) {
        List<Article> articles = articles();
        int[] popular = popularity();
        try {
            copy(postgres, specs.get("content").database(),
                    "COPY article (slug, section, title, summary, body, author, published_at, updated_at, version) FROM STDIN",
                    articleRows(articles));
            copy(postgres, specs.get("comments").database(),
                    "COPY comment (article_slug, author, body, created_at, status) FROM STDIN",
                    commentRows(articles, popular));
            copy(postgres, specs.get("page").database(),
                    "COPY front (name, slot, position, article_slug) FROM STDIN",
                    frontRows(articles, popular));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("loading demo data failed: " + e.getMessage(), e);
        }
    }

    private String articleRows(List<Article> articles) {
        StringBuilder out = new StringBuilder(articles.size() * 4_500);
        for (Article a : articles) {
            row(out, a.slug(), a.section(), a.title(), a.summary(), a.body(), a.author(),
                    a.publishedAt().toString(), a.publishedAt().toString(), "0");
        }
        return out.toString();
    }

    private String commentRows(List<Article> articles, int[] popular) {
        SplittableRandom random = new SplittableRandom(size.seed() * 17 + 3);
        double[] cdf = zipfCdf(articles.size(), 1.0);
        StringBuilder out = new StringBuilder(size.comments() * 200);
        for (int i = 0; i < size.comments(); i++) {
            Article a = articles.get(popular[sample(cdf, random.nextDouble())]);
            String author = pick(random, FIRST) + " " + pick(random, LAST).charAt(0) + ".";
            String text = sentence(random, 6 + random.nextInt(40));
            Instant created = a.publishedAt().plusSeconds(60 + random.nextInt(86_400 * 3));
            if (created.isAfter(NOW)) {
                created = NOW.minusSeconds(random.nextInt(3_600));
            }
            row(out, a.slug(), author, text, created.toString(), "VISIBLE");
        }
        return out.toString();
    }

    private String frontRows(List<Article> articles, int[] popular) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(5, articles.size()); i++) {
            row(out, "home", "top", Integer.toString(i), articles.get(i).slug());
        }
        int position = 0;
        for (int rank = 0; rank < articles.size() && position < 10; rank++) {
            if (popular[rank] >= 5) {
                row(out, "home", "more", Integer.toString(position++), articles.get(popular[rank]).slug());
            }
        }
        return out.toString();
    }

    /** Cumulative distribution of a Zipf law over n ranks with exponent s. */
    public static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, s);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** The rank whose CDF first reaches u (binary search). */
    public static int sample(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void copy(Postgres postgres, String db, String sql, String rows) throws SQLException, IOException {
        try (Connection c = postgres.connect(db)) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn(sql, new StringReader(rows));
        }
    }

    /** One COPY text-format row: tab-separated, with backslash, tab and newline escaped. */
    static void row(StringBuilder out, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            String v = values[i];
            for (int j = 0; j < v.length(); j++) {
                char ch = v.charAt(j);
                switch (ch) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(ch);
                }
            }
        }
        out.append('\n');
    }

    static String slugify(String text) {
        return text.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String sentence(SplittableRandom random, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String w = pick(random, WORDS);
            if (i == 0) {
                w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            } else {
                s.append(' ');
            }
            s.append(w);
        }
        return s.append('.').toString();
    }

    private static String body(SplittableRandom random, int targetChars) {
        StringBuilder body = new StringBuilder(targetChars + 200);
        while (body.length() < targetChars) {
            if (body.length() > 0) {
                body.append("\n\n");
            }
            int sentences = 3 + random.nextInt(4);
            for (int i = 0; i < sentences; i++) {
                if (i > 0) {
                    body.append(' ');
                }
                body.append(sentence(random, 8 + random.nextInt(14)));
            }
        }
        return body.toString();
    }
}
