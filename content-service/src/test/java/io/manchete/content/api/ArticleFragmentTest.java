package io.manchete.content.api;

import io.manchete.commons.http.FragmentHeaders;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.manchete.content.Fixtures.article;
import static io.manchete.content.Fixtures.create;
import static io.manchete.content.Fixtures.createPublished;
import static io.manchete.content.Fixtures.publish;
import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalToIgnoringCase;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
class ArticleFragmentTest {

    @Test
    void articleFragmentMarkupAndHeaders() {
        String slug = unique("storm");
        createPublished(slug, "world", "Storm reaches the coast");

        Response response = given().get("/fragments/article/{slug}", slug);
        response.then().statusCode(200)
                .header("Content-Type", equalToIgnoringCase("text/html;charset=UTF-8"))
                .header("Cache-Control", is(FragmentHeaders.cacheControl(60)))
                .header("Surrogate-Key", is("article:" + slug))
                .header("ETag", startsWith("\""))
                .header("Fragment-Title", is("Storm%20reaches%20the%20coast"));
        String html = response.asString();
        assertTrue(html.startsWith("<article class=\"article\" data-slug=\"" + slug + "\"><header><p class=\"kicker\">world</p>"
                + "<h1>Storm reaches the coast</h1><p class=\"byline\">By Ana Reporter · <time datetime=\""), html);
        assertTrue(html.contains("</time></p></header><p class=\"summary\">Summary of Storm reaches the coast</p>"
                + "<div class=\"article-body\"><p>First paragraph of Storm reaches the coast.</p><p>Second paragraph.</p></div></article>"), html);
        assertFalse(html.contains("<html") || html.contains("<body"), html);
    }

    @Test
    void userTextIsEscaped() {
        String slug = unique("xss");
        Map<String, Object> body = article(slug, "culture", "<script>alert('t')</script> & \"quotes\"");
        body.put("summary", "<img src=x onerror=alert(1)>");
        body.put("body", "<script>alert('b')</script>\n\nplain & <b>bold</b>");
        body.put("author", "<i>Eve</i>");
        create(body).then().statusCode(201);
        publish(slug).then().statusCode(200);

        Response response = given().get("/fragments/article/{slug}", slug);
        String html = response.then().statusCode(200).extract().asString();
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>") || html.contains("<i>"), html);
        assertTrue(html.contains("<h1>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>"), html);
        assertTrue(html.contains("<p>&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;</p><p>plain &amp; &lt;b&gt;bold&lt;/b&gt;</p>"), html);
        assertEquals("<script>alert('t')</script> & \"quotes\"",
                URLDecoder.decode(response.header("Fragment-Title"), StandardCharsets.UTF_8));

        String teasers = given().queryParam("slugs", slug).get("/fragments/teasers").then().statusCode(200).extract().asString();
        assertFalse(teasers.contains("<script>") || teasers.contains("<img"), teasers);
        assertTrue(teasers.contains("&lt;script&gt;"), teasers);
    }

    @Test
    void unknownAndDraftArticlesAreATiny404() {
        String draft = unique("draft");
        create(article(draft, "world", "Not yet")).then().statusCode(201);
        for (String slug : new String[] {"no-such-slug", draft, "Not_A_Slug"}) {
            String html = given().get("/fragments/article/{slug}", slug).then().statusCode(404)
                    .header("Content-Type", startsWith("text/html"))
                    .header("Cache-Control", is("public, max-age=10"))
                    .extract().asString();
            assertTrue(html.length() < 200 && !html.contains("Exception"), html);
            assertFalse(html.contains("Not yet"), html);
        }
    }

    @Test
    void conditionalFragmentRequestsAnswer304() {
        String slug = unique("etag-fragment");
        createPublished(slug, "world", "Etag fragment");
        String etag = given().get("/fragments/article/{slug}", slug).then().statusCode(200).extract().header("ETag");
        given().header("If-None-Match", etag).get("/fragments/article/{slug}", slug).then().statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", is(FragmentHeaders.cacheControl(60)));
    }

    @Test
    void sectionTeasersNewestFirstWithLimitAndHeading() {
        String section = unique("teasers");
        String older = unique("older");
        String newer = unique("newer");
        String newest = unique("newest");
        createPublished(older, section, "Older");
        createPublished(newer, section, "Newer");
        createPublished(newest, section, "Newest");
        create(article(unique("draft"), section, "Draft")).then().statusCode(201);

        String html = given().queryParam("section", section).queryParam("limit", 2).queryParam("heading", "Top & <more>")
                .get("/fragments/teasers").then().statusCode(200)
                .header("Content-Type", equalToIgnoringCase("text/html;charset=UTF-8"))
                .header("Cache-Control", is(FragmentHeaders.cacheControl(30)))
                .header("Surrogate-Key", is("section:" + section))
                .header("ETag", notNullValue())
                .extract().asString();
        assertEquals("<section class=\"teasers\"><h2>Top &amp; &lt;more&gt;</h2><ul>"
                + "<li><a href=\"/" + section + "/" + newest + "\">Newest</a><p>Summary of Newest</p></li>"
                + "<li><a href=\"/" + section + "/" + newer + "\">Newer</a><p>Summary of Newer</p></li>"
                + "</ul></section>", html.strip());
    }

    @Test
    void teasersBySlugsKeepTheOrderAndSkipUnknownsAndDrafts() {
        String a = unique("a");
        String b = unique("b");
        String draft = unique("draft");
        createPublished(a, "sports", "Alpha");
        createPublished(b, "business", "Beta");
        create(article(draft, "sports", "Draft")).then().statusCode(201);

        String slugs = b + ",missing-one," + draft + "," + a;
        String html = given().queryParam("slugs", slugs).queryParam("heading", "Top stories")
                .get("/fragments/teasers").then().statusCode(200)
                .header("Cache-Control", is(FragmentHeaders.cacheControl(60)))
                .header("Surrogate-Key", is("article:" + b + " article:missing-one article:" + draft + " article:" + a))
                .body(not(containsString("Draft")))
                .extract().asString();
        assertEquals("<section class=\"teasers\"><h2>Top stories</h2><ul>"
                + "<li><a href=\"/business/" + b + "\">Beta</a><p>Summary of Beta</p></li>"
                + "<li><a href=\"/sports/" + a + "\">Alpha</a><p>Summary of Alpha</p></li>"
                + "</ul></section>", html.strip());
    }

    @Test
    void teasersNeedSectionOrSlugs() {
        given().get("/fragments/teasers").then().statusCode(400).contentType("application/problem+json");
        given().queryParam("section", "world").queryParam("slugs", "a").get("/fragments/teasers").then().statusCode(400);
        given().queryParam("section", "Not A Section").get("/fragments/teasers").then().statusCode(400);
        given().queryParam("section", "world").queryParam("limit", 101).get("/fragments/teasers").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", is("limit"));
    }

    @Test
    void anEmptySectionHasAnEmptyTeaserList() {
        String html = given().queryParam("section", unique("empty")).queryParam("heading", "Nothing")
                .get("/fragments/teasers").then().statusCode(200).extract().asString();
        assertEquals("<section class=\"teasers\"><h2>Nothing</h2><ul></ul></section>", html.strip());
    }
}
