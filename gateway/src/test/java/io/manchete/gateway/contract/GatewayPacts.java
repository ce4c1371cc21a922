package io.manchete.gateway.contract;

import au.com.dius.pact.consumer.ConsumerPactBuilder;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslJsonRootValue;
import au.com.dius.pact.consumer.dsl.PactDslResponse;
import au.com.dius.pact.consumer.dsl.PactDslRootValue;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.RequestResponsePact;

/**
 * What the gateway relies on from each service, as one pact per provider (Pact specification V3).
 * Only what the gateway reads is pinned, with type and regex matchers rather than exact values: the
 * status; {@code Content-Type}; {@code Cache-Control} (public, a max-age — the fragment cache and the
 * page's freshness come from it); {@code Surrogate-Key} with the tag the page is purged by;
 * {@code Fragment-Title} of the primary fragment; of a layout the fields {@code Layout.fromJson} reads
 * and the slot markers of its template; of a fragment that it is a piece of markup (no
 * {@code <html>}/{@code <body>}); of the comments fragment the form the gateway's comment route
 * answers; of a refused comment the problem's {@code detail}, shown to the reader.
 *
 * <p>Slugs come from the provider's state ({@code ${slug}} and friends): each provider creates fresh
 * ones in its state hooks, the examples here are what the gateway sees from the mock servers. The
 * slot paths of the layouts are pinned to the fragment endpoints the other two pacts cover, so a
 * layout pointing somewhere else breaks page-service's build, not the site.
 *
 * <p>{@link GatewayContractTest} runs the real gateway against mock servers built from these pacts,
 * and fails if it makes a request not described here or leaves one unused.
 */
final class GatewayPacts {
    static final String CONSUMER = "gateway";
    static final String PAGE = "page-service";
    static final String CONTENT = "content-service";
    static final String COMMENTS = "comments-service";

    // ------------------------------------------------------------------ examples (what the mocks answer)

    static final String SECTION = "world";
    static final String ARTICLE = "some-article";
    static final String MISSING_ARTICLE = "no-such-article";
    static final String UNKNOWN_SECTION = "atlantis";
    static final String TOP_SLUGS = "first-story,second-story";
    static final String ARTICLE_TITLE = "Storm reaches the coast";
    static final String STYLESHEET = "site.0123456789.css";
    static final String SCRIPT = "site.0123456789.js";
    static final String SCRIPT_ETAG = "\"0123456789abcdef\"";
    static final String STALE_ASSET = "site.ffffffffff.css";
    static final String IDEMPOTENCY_KEY = "0".repeat(64);
    static final String PROBLEM_DETAIL = "body: must not be blank";

    // ------------------------------------------------------------------ matchers

    static final String HTML_TYPE = "(?i)text/html; ?charset=utf-8";
    static final String JSON_TYPE = "application/json(;.*)?";
    static final String PROBLEM_TYPE = "application/problem\\+json(;.*)?";
    /**
     * Pact matches a list header such as {@code Cache-Control} directive by directive (it splits the
     * value at commas): every directive must be one of these, so a fragment stays cacheable by a shared
     * cache — never {@code private}, {@code no-store} or {@code no-cache}.
     */
    static final String CACHE_CONTROL = "public|max-age=[0-9]+|stale-while-revalidate=[0-9]+|stale-if-error=[0-9]+";
    static final String IMMUTABLE = "public|max-age=[0-9]+|immutable";
    static final String ETAG = "(W/)?\"[^\"]+\"";
    /** Percent-encoded UTF-8 (spaces as %20), as the gateway decodes it. */
    static final String PERCENT_ENCODED = "[A-Za-z0-9%._~!*'()-]+";
    static final String SLUG = "[a-z0-9]+(-[a-z0-9]+)*";
    /** A piece of markup, not a document. */
    static final String FRAGMENT = "(?s)(?!.*<(html|body)[\\s>])\\s*<.*";
    /** The comments fragment carries the form the gateway's {@code POST /{section}/{slug}/comments} answers. */
    static final String COMMENTS_FRAGMENT = "(?s)(?!.*<(html|body)[\\s>])\\s*<.*<form(?=[^>]*\\smethod=\"post\")"
            + "(?=[^>]*\\saction=\"/" + SECTION + "/" + SLUG + "/comments\")[^>]*>"
            + ".*\\sname=\"author\".*\\sname=\"body\".*</form>.*";
    static final String SHELL_START = "(?s)<!doctype html>.*<title><!--manchete:title--></title>.*";
    static final String SHELL_END = ".*</html>\\s*";
    static final String TEASERS_PATH = "/fragments/teasers\\?(slugs=[a-z0-9,-]+|section=" + SLUG
            + "&limit=[0-9]+)&heading=[^&]*";

    /** A space-separated tag list (Surrogate-Key) that holds a tag matching {@code tag}. */
    static String tagsWith(String tag) {
        return "([^ ]+ )*" + tag + "( [^ ]+)*";
    }

    private GatewayPacts() {
    }

    // ------------------------------------------------------------------ page-service

    static RequestResponsePact pageService() {
        return ConsumerPactBuilder.consumer(CONSUMER).pactSpecVersion(PactSpecVersion.V3).hasPactWith(PAGE)
                .uponReceiving("the home layout")
                    .method("GET").path("/api/v1/layouts/home")
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", JSON_TYPE, "application/json")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=300")
                    .matchHeader("Surrogate-Key", tagsWith("shell"), "shell front:home")
                    .body(homeLayout())
                .uponReceiving("the layout of a section page")
                    .method("GET").path("/api/v1/layouts/section/" + SECTION)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", JSON_TYPE, "application/json")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=300")
                    .matchHeader("Surrogate-Key", tagsWith("shell"), "shell")
                    .body(sectionLayout())
                .uponReceiving("the layout of an article page")
                    .method("GET").path("/api/v1/layouts/article/" + SECTION)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", JSON_TYPE, "application/json")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=300")
                    .matchHeader("Surrogate-Key", tagsWith("shell"), "shell")
                    .body(articleLayout())
                .uponReceiving("the layout of an article page of an unknown section")
                    .method("GET").path("/api/v1/layouts/article/" + UNKNOWN_SECTION)
                .willRespondWith()
                    .status(404)
                .given("the stylesheet site.css exists")
                .uponReceiving("a hashed asset")
                    .method("GET").pathFromProviderState("${cssPath}", "/assets/" + STYLESHEET)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", "text/css(;.*)?", "text/css")
                    .matchHeader("Cache-Control", IMMUTABLE, "public, max-age=31536000, immutable")
                    .matchHeader("ETag", ETAG, "\"css-1\"")
                    .body(PactDslRootValue.stringMatcher("(?s).+", "body{color:#222}"))
                .given("the script site.js exists")
                .uponReceiving("a hashed asset the browser has already")
                    .method("GET").pathFromProviderState("${jsPath}", "/assets/" + SCRIPT)
                    .headerFromProviderState("If-None-Match", "${jsEtag}", SCRIPT_ETAG)
                .willRespondWith()
                    .status(304)
                    .matchHeader("Cache-Control", IMMUTABLE, "public, max-age=31536000, immutable")
                    .matchHeader("ETag", ETAG, SCRIPT_ETAG)
                .uponReceiving("an asset name that is not the asset's current one")
                    .method("GET").path("/assets/" + STALE_ASSET)
                .willRespondWith()
                    .status(404)
                .toPact();
    }

    static final String HOME_TEMPLATE = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title><!--manchete:title--></title><link rel=\"stylesheet\" href=\"/assets/" + STYLESHEET + "\">"
            + "</head><body><main id=\"main\"><!--manchete:slot:top--></main></body></html>";
    static final String SECTION_TEMPLATE = HOME_TEMPLATE.replace("slot:top", "slot:main");
    static final String ARTICLE_TEMPLATE = HOME_TEMPLATE.replace("<!--manchete:slot:top-->",
            "<!--manchete:slot:main--><section id=\"comments\"><!--manchete:slot:comments--></section>");

    private static PactDslJsonBody homeLayout() {
        PactDslJsonBody layout = new PactDslJsonBody()
                .stringType("route", "home")
                .stringType("title", "Manchete")
                .stringMatcher("template", SHELL_START + "<!--manchete:slot:[a-z0-9-]+-->" + SHELL_END, HOME_TEMPLATE)
                .integerType("maxAge", 300);
        layout = layout.minArrayLike("slots", 1)
                .stringMatcher("name", SLUG, "top")
                .stringValue("service", "content")
                .stringMatcher("path", TEASERS_PATH, "/fragments/teasers?slugs=" + TOP_SLUGS + "&heading=Top%20stories")
                .booleanType("primary", false)
                .closeObject().closeArray().asBody();
        return layout.eachLike("tags", PactDslJsonRootValue.stringMatcher("[a-z]+(:[a-z0-9-]+)?", "shell"), 1);
    }

    private static PactDslJsonBody sectionLayout() {
        return new PactDslJsonBody()
                .stringType("route", "section")
                .stringValue("section", SECTION)
                .stringType("title", "World · Manchete")
                .stringMatcher("template", SHELL_START + "<!--manchete:slot:main-->" + SHELL_END, SECTION_TEMPLATE)
                .integerType("maxAge", 300)
                .array("slots")
                    .object()
                        .stringValue("name", "main")
                        .stringValue("service", "content")
                        .stringMatcher("path", "/fragments/teasers\\?section=" + SECTION + "&limit=[0-9]+&heading=[^&]+",
                                "/fragments/teasers?section=" + SECTION + "&limit=30&heading=World")
                        .booleanValue("primary", true)
                    .closeObject()
                .closeArray().asBody()
                .eachLike("tags", PactDslJsonRootValue.stringMatcher("[a-z]+(:[a-z0-9-]+)?", "shell"), 1);
    }

    private static PactDslJsonBody articleLayout() {
        return new PactDslJsonBody()
                .stringType("route", "article")
                .stringValue("section", SECTION)
                .stringType("title", "World · Manchete")
                .stringMatcher("template",
                        SHELL_START + "<!--manchete:slot:main-->.*<!--manchete:slot:comments-->" + SHELL_END,
                        ARTICLE_TEMPLATE)
                .integerType("maxAge", 300)
                .array("slots")
                    .object()
                        .stringValue("name", "main")
                        .stringValue("service", "content")
                        .stringValue("path", "/fragments/article/{slug}")
                        .booleanValue("primary", true)
                    .closeObject()
                    .object()
                        .stringValue("name", "comments")
                        .stringValue("service", "comments")
                        .stringValue("path", "/fragments/comments/{slug}?section={section}")
                        .booleanValue("primary", false)
                    .closeObject()
                .closeArray().asBody()
                .eachLike("tags", PactDslJsonRootValue.stringMatcher("[a-z]+(:[a-z0-9-]+)?", "shell"), 1);
    }

    // ------------------------------------------------------------------ content-service

    static RequestResponsePact contentService() {
        PactDslResponse pact = ConsumerPactBuilder.consumer(CONSUMER).pactSpecVersion(PactSpecVersion.V3)
                .hasPactWith(CONTENT)
                .given("a published article")
                .uponReceiving("the article fragment of a published article")
                    .method("GET").pathFromProviderState("/fragments/article/${slug}", "/fragments/article/" + ARTICLE)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", HTML_TYPE, "text/html;charset=UTF-8")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=60, stale-while-revalidate=60")
                    .matchHeader("Surrogate-Key", tagsWith("article:" + SLUG), "article:" + ARTICLE)
                    .matchHeader("Fragment-Title", PERCENT_ENCODED, ARTICLE_TITLE.replace(" ", "%20"))
                    .body(PactDslRootValue.stringMatcher(FRAGMENT,
                            "<article class=\"article\"><h1>" + ARTICLE_TITLE + "</h1><p>First paragraph.</p></article>"))
                .given("no article has the slug")
                .uponReceiving("the article fragment of an unknown article")
                    .method("GET").pathFromProviderState("/fragments/article/${slug}",
                            "/fragments/article/" + MISSING_ARTICLE)
                .willRespondWith()
                    .status(404)
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=10")
                .given("two published articles")
                .uponReceiving("the teasers of given articles, in order")
                    .method("GET").path("/fragments/teasers")
                    .query("heading=Top stories")
                    .queryParameterFromProviderState("slugs", "${slugs}", TOP_SLUGS)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", HTML_TYPE, "text/html;charset=UTF-8")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=60")
                    .matchHeader("Surrogate-Key", tagsWith("article:" + SLUG), "article:first-story article:second-story")
                    .body(PactDslRootValue.stringMatcher(FRAGMENT,
                            "<ul class=\"teasers\"><li><a href=\"/world/first-story\">First</a></li></ul>"))
                .given("a section with published articles")
                .uponReceiving("the newest teasers of a section")
                    .method("GET").path("/fragments/teasers")
                    .query("section=" + SECTION + "&limit=30&heading=World")
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", HTML_TYPE, "text/html;charset=UTF-8")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=30")
                    .matchHeader("Surrogate-Key", tagsWith("section:" + SECTION), "section:" + SECTION)
                    .body(PactDslRootValue.stringMatcher(FRAGMENT,
                            "<ul class=\"teasers\"><li><a href=\"/world/some-article\">Some</a></li></ul>"));
        return pact.toPact();
    }

    // ------------------------------------------------------------------ comments-service

    static RequestResponsePact commentsService() {
        String form = "<form class=\"comment-form\" method=\"post\" action=\"/" + SECTION + "/%s/comments\">"
                + "<input name=\"author\"><textarea name=\"body\"></textarea></form>";
        return ConsumerPactBuilder.consumer(CONSUMER).pactSpecVersion(PactSpecVersion.V3).hasPactWith(COMMENTS)
                .given("an article with comments")
                .uponReceiving("the comments fragment of an article with comments")
                    .method("GET").pathFromProviderState("/fragments/comments/${slug}", "/fragments/comments/" + ARTICLE)
                    .query("section=" + SECTION)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", HTML_TYPE, "text/html;charset=UTF-8")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=30")
                    .matchHeader("Surrogate-Key", tagsWith("comments:" + SLUG), "comments:" + ARTICLE)
                    .body(PactDslRootValue.stringMatcher(COMMENTS_FRAGMENT, "<section class=\"comments\"><p>2 comments</p>"
                            + form.formatted(ARTICLE) + "</section>"))
                .given("an article without comments")
                .uponReceiving("the comments fragment of an article without comments")
                    .method("GET").pathFromProviderState("/fragments/comments/${slug}",
                            "/fragments/comments/" + MISSING_ARTICLE)
                    .query("section=" + SECTION)
                .willRespondWith()
                    .status(200)
                    .matchHeader("Content-Type", HTML_TYPE, "text/html;charset=UTF-8")
                    .matchHeader("Cache-Control", CACHE_CONTROL, "public, max-age=30")
                    .matchHeader("Surrogate-Key", tagsWith("comments:" + SLUG), "comments:" + MISSING_ARTICLE)
                    .body(PactDslRootValue.stringMatcher(COMMENTS_FRAGMENT, "<section class=\"comments\"><p>No comments yet</p>"
                            + form.formatted(MISSING_ARTICLE) + "</section>"))
                .given("comments can be posted")
                .uponReceiving("a reader's comment, forwarded from the form")
                    .method("POST").pathFromProviderState("/api/v1/articles/${slug}/comments",
                            "/api/v1/articles/" + ARTICLE + "/comments")
                    .matchHeader("Content-Type", JSON_TYPE, "application/json")
                    .matchHeader("Idempotency-Key", "[0-9a-f]{64}", IDEMPOTENCY_KEY)
                    .headerFromProviderState("Idempotency-Key", "${idempotencyKey}", IDEMPOTENCY_KEY)
                    .body(new PactDslJsonBody()
                            .stringType("author", "Ana")
                            .stringMatcher("body", "(?s)\\s*\\S.*", "Well said."))
                .willRespondWith()
                    .status(201)
                .given("comments can be posted")
                .uponReceiving("an empty comment, forwarded from the form")
                    .method("POST").pathFromProviderState("/api/v1/articles/${slug}/comments",
                            "/api/v1/articles/" + ARTICLE + "/comments")
                    .matchHeader("Content-Type", JSON_TYPE, "application/json")
                    .matchHeader("Idempotency-Key", "[0-9a-f]{64}", IDEMPOTENCY_KEY)
                    .headerFromProviderState("Idempotency-Key", "${idempotencyKey}", IDEMPOTENCY_KEY)
                    .body(new PactDslJsonBody()
                            .stringType("author", "Ana")
                            .stringMatcher("body", "\\s*", ""))
                .willRespondWith()
                    .status(400)
                    .matchHeader("Content-Type", PROBLEM_TYPE, "application/problem+json")
                    .body(new PactDslJsonBody().stringType("detail", PROBLEM_DETAIL))
                .toPact();
    }
}
