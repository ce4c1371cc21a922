package io.manchete.comments.api;

import io.manchete.comments.config.CommentsConfig;
import io.manchete.comments.domain.CommentService;
import io.manchete.comments.domain.Slugs;
import io.manchete.commons.http.FragmentHeaders;
import io.manchete.commons.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.Cancellable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /fragments/comments/{slug}?section={section}}: the count, the first page of visible
 * comments and the form that posts through the gateway to {@code /{section}/{slug}/comments}.
 */
@Path("/fragments/comments")
@Tag(name = "fragments")
@Cancellable(false) // see CommentsResource: a cancelled Hibernate Reactive session fails noisily; a finished read fills the cache
public class FragmentResource {
    static final String HTML = "text/html;charset=UTF-8";
    private static final String NOT_FOUND = "<p class=\"fragment-missing\">No comments here.</p>";

    private final CommentService comments;
    private final CommentsConfig config;

    public FragmentResource(CommentService comments, CommentsConfig config) {
        this.comments = comments;
        this.config = config;
    }

    @GET
    @Path("{slug}")
    @Produces(HTML)
    @Operation(summary = "Comments fragment: count, first page, form")
    public Uni<Response> fragment(@PathParam("slug") String slug, @QueryParam("section") String section,
                                  @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (!Slugs.valid(slug)) {
            return Uni.createFrom().item(Response.status(404).type(HTML).entity(NOT_FOUND)
                    .header(HttpHeaders.CACHE_CONTROL, "public, max-age=10").build());
        }
        if (section == null || section.isEmpty()) {
            throw ProblemException.badRequest("section", "is required");
        }
        if (!Slugs.valid(section)) {
            throw ProblemException.badRequest("section", "must be a slug");
        }
        return comments.firstPage(slug).map(firstPage -> {
            String html = comments.fragment(firstPage, section, slug);
            String etag = etag(html);
            Response.ResponseBuilder answer = matches(ifNoneMatch, etag)
                    ? Response.notModified()
                    : Response.ok(html, HTML);
            return answer
                    .header(HttpHeaders.CACHE_CONTROL, FragmentHeaders.cacheControl(config.fragmentMaxAge()))
                    .header(FragmentHeaders.SURROGATE_KEY, "comments:" + slug)
                    .header(HttpHeaders.ETAG, etag)
                    .build();
        });
    }

    /** {@code If-None-Match} holds {@code *} or a list of (possibly weak) tags. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static String etag(String html) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(html.getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
