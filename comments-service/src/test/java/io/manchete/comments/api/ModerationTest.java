package io.manchete.comments.api;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.manchete.comments.api.Api.MODERATOR;
import static io.manchete.comments.api.Api.count;
import static io.manchete.comments.api.Api.fragment;
import static io.manchete.comments.api.Api.freshSlug;
import static io.manchete.comments.api.Api.postOk;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "comments"))
class ModerationTest {
    private static final String PROBLEM = "application/problem+json";

    @Test
    void hidingNeedsTheModeratorToken() {
        String slug = freshSlug("mod-auth");
        long id = postOk(slug, "Troll", "spam");
        given().post("/api/v1/comments/{id}/hide", id).then()
                .statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", equalTo("Bearer"));
        given().header("Authorization", "Basic abc").post("/api/v1/comments/{id}/hide", id).then()
                .statusCode(401).header("WWW-Authenticate", equalTo("Bearer"));
        given().header("Authorization", "Bearer wrong-token").post("/api/v1/comments/{id}/hide", id).then()
                .statusCode(403).contentType(PROBLEM).body("status", is(403));
        given().header("Authorization", "Bearer " + MODERATOR + "x").post("/api/v1/comments/{id}/hide", id).then()
                .statusCode(403);
        assertEquals(1, count(slug));
    }

    @Test
    void hiddenCommentLeavesListCountAndFragmentAtOnce() {
        String slug = freshSlug("mod-hide");
        postOk(slug, "Kind", "Nice piece");
        long troll = postOk(slug, "Troll", "Buy cheap watches");
        assertEquals(2, count(slug));
        String before = fragment(slug, "world");
        assertTrue(before.contains("Buy cheap watches"));
        assertTrue(before.contains("2 comments"));

        given().header("Authorization", "Bearer " + MODERATOR).post("/api/v1/comments/{id}/hide", troll).then()
                .statusCode(200).body("id", is((int) troll)).body("status", equalTo("HIDDEN"))
                .body("articleSlug", equalTo(slug));

        given().get("/api/v1/articles/{slug}/comments", slug).then().statusCode(200)
                .body("items.body", equalTo(java.util.List.of("Nice piece")));
        assertEquals(1, count(slug));
        String after = fragment(slug, "world");
        assertFalse(after.contains("Buy cheap watches"), after);
        assertTrue(after.contains("1 comment<"), after);
        given().get("/api/v1/comments/{id}", troll).then().statusCode(404);

        given().header("Authorization", "Bearer " + MODERATOR).post("/api/v1/comments/{id}/hide", troll).then()
                .statusCode(200).body("status", equalTo("HIDDEN"));
    }

    @Test
    void hidingAnUnknownCommentIsNotFound() {
        given().header("Authorization", "Bearer " + MODERATOR).post("/api/v1/comments/{id}/hide", 99999999).then()
                .statusCode(404).contentType(PROBLEM);
    }
}
