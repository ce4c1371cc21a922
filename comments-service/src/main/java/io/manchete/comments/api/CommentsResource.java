package io.manchete.comments.api;

import io.manchete.comments.config.CommentsConfig;
import io.manchete.comments.domain.CommentService;
import io.manchete.comments.domain.Cursor;
import io.manchete.comments.domain.NewComment;
import io.manchete.comments.domain.Slugs;
import io.manchete.commons.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.Cancellable;

import java.net.URI;

/**
 * The JSON API: list (keyset pages), count, post, read one, hide.
 *
 * <p>Not {@linkplain Cancellable cancellable}: a request whose client goes away (a timeout, a
 * dropped connection) still runs to its end. Quarkus REST would otherwise cancel the Uni, and a
 * Hibernate Reactive session cancelled mid-transaction is torn down under its own feet (its
 * connection closed with the transaction live, "No current Mutiny.Session", an error logged per
 * request), and a post whose commit already happened would skip refreshing the article's cache.
 * The client's retry with the same Idempotency-Key then finds the finished comment.
 */
@Path("/api/v1")
@Cancellable(false)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "comments")
public class CommentsResource {
    private final CommentService comments;
    private final ModeratorAuth moderator;
    private final CommentsConfig config;

    public CommentsResource(CommentService comments, ModeratorAuth moderator, CommentsConfig config) {
        this.comments = comments;
        this.moderator = moderator;
        this.config = config;
    }

    @GET
    @Path("articles/{slug}/comments")
    @Operation(summary = "Visible comments of an article, newest first, in keyset pages")
    public Uni<CommentPageJson> list(@PathParam("slug") String slug, @QueryParam("limit") String limit,
                                     @QueryParam("after") String after) {
        requireSlug(slug);
        int size = limit(limit);
        Cursor cursor = null;
        if (after != null) {
            cursor = Cursor.decode(after).orElseThrow(() -> ProblemException.badRequest("after", "not a cursor from a previous page"));
        }
        return comments.list(slug, cursor, size).map(page -> new CommentPageJson(
                page.items().stream().map(CommentJson::of).toList(),
                page.next() == null ? null : page.next().encode()));
    }

    @GET
    @Path("articles/{slug}/comments/count")
    @Operation(summary = "Number of visible comments of an article")
    public Uni<CountJson> count(@PathParam("slug") String slug) {
        requireSlug(slug);
        return comments.count(slug).map(n -> new CountJson(slug, n));
    }

    @POST
    @Path("articles/{slug}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Post a comment; a repeated Idempotency-Key answers the first comment (200)")
    public Uni<RestResponse<CommentJson>> post(@PathParam("slug") String slug,
                                               @HeaderParam("Idempotency-Key") String idempotencyKey,
                                               PostCommentJson request) {
        requireSlug(slug);
        NewComment draft = request == null ? NewComment.validate(null, null) : NewComment.validate(request.author(), request.body());
        String key = NewComment.idempotencyKey(idempotencyKey);
        return comments.post(slug, draft, key).map(stored -> stored.created()
                ? RestResponse.ResponseBuilder.<CommentJson>created(URI.create("/api/v1/comments/" + stored.comment().id))
                        .entity(CommentJson.of(stored.comment())).build()
                : RestResponse.ok(CommentJson.of(stored.comment())));
    }

    @GET
    @Path("comments/{id}")
    @Operation(summary = "One visible comment")
    public Uni<CommentJson> get(@PathParam("id") String id) {
        long commentId = id(id);
        return comments.visible(commentId).map(c -> {
            if (c == null) {
                throw ProblemException.notFound("no visible comment " + commentId);
            }
            return CommentJson.of(c);
        });
    }

    @POST
    @Path("comments/{id}/hide")
    @Operation(summary = "Hide a comment (moderator token)")
    public Uni<HiddenJson> hide(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        moderator.require(authorization);
        long commentId = id(id);
        return comments.hide(commentId).map(c -> {
            if (c == null) {
                throw ProblemException.notFound("no comment " + commentId);
            }
            return new HiddenJson(c.id, c.articleSlug, c.status);
        });
    }

    private static void requireSlug(String slug) {
        if (!Slugs.valid(slug)) {
            throw ProblemException.notFound("no article " + (slug.length() > 60 ? slug.substring(0, 60) + "…" : slug));
        }
    }

    private static long id(String id) {
        try {
            long value = Long.parseLong(id);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to 404
        }
        throw ProblemException.notFound("no comment " + (id.length() > 30 ? id.substring(0, 30) + "…" : id));
    }

    private int limit(String limit) {
        if (limit == null) {
            return config.pageSize();
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= config.maxPageSize()) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to 400
        }
        throw ProblemException.badRequest("limit", "must be a whole number from 1 to " + config.maxPageSize());
    }
}
