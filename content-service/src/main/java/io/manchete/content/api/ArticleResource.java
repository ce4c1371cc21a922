package io.manchete.content.api;

import io.manchete.content.domain.Preconditions;
import io.manchete.content.domain.Slugs;
import io.manchete.content.service.ArticleService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

@Path("/api/v1/articles")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "articles", description = "Draft, edit, publish and read articles")
public class ArticleResource {
    private final ArticleService articles;
    private final EditorAccess editors;

    public ArticleResource(ArticleService articles, EditorAccess editors) {
        this.articles = articles;
        this.editors = editors;
    }

    @GET
    @Path("{slug}")
    @Operation(summary = "An article; drafts only with the editor token")
    @APIResponse(responseCode = "200", description = "The article, with ETag \"{version}\"")
    @APIResponse(responseCode = "404", description = "Unknown slug, or a draft without the editor token")
    public Uni<Response> get(@PathParam("slug") String slug,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (!Slugs.isSlug(slug)) {
            return Uni.createFrom().failure(ArticleService.notFound(slug));
        }
        return articles.find(slug).map(article -> {
            boolean visible = article != null && (article.published() || editors.isEditor(authorization));
            if (!visible) {
                throw ArticleService.notFound(slug);
            }
            String etag = Preconditions.etag(article.version());
            Response.ResponseBuilder answer = ifNoneMatch != null && ifNoneMatch.contains(etag)
                    ? Response.notModified().header(HttpHeaders.ETAG, etag)
                    : Response.ok(article).header(HttpHeaders.ETAG, etag);
            if (!article.published()) {
                answer.header(HttpHeaders.CACHE_CONTROL, "private, no-store");
            }
            return answer.build();
        });
    }

    @POST
    @EditorOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a draft (editor)")
    @APIResponse(responseCode = "201", description = "Created; Location names the article")
    @APIResponse(responseCode = "409", description = "The slug exists")
    @APIResponse(responseCode = "413", description = "Body over 200 KB")
    public Uni<Response> create(@Valid @NotNull NewArticle article, @Context UriInfo uri) {
        return articles.create(article).map(created -> {
            URI location = uri.getBaseUriBuilder().path("api/v1/articles").path(created.slug()).build();
            return Response.created(location).header(HttpHeaders.ETAG, Preconditions.etag(created.version()))
                    .entity(created).build();
        });
    }

    @PUT
    @Path("{slug}")
    @EditorOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an article's content (editor); needs If-Match or version")
    @APIResponse(responseCode = "200", description = "Updated")
    @APIResponse(responseCode = "409", description = "The body's version is not the current one")
    @APIResponse(responseCode = "412", description = "If-Match does not name the current version")
    @APIResponse(responseCode = "428", description = "Neither If-Match nor version was sent")
    public Uni<Response> update(@PathParam("slug") String slug,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Valid @NotNull ArticleUpdate article) {
        if (!Slugs.isSlug(slug)) {
            return Uni.createFrom().failure(ArticleService.notFound(slug));
        }
        return articles.update(slug, article, ifMatch).map(ArticleResource::ok);
    }

    @POST
    @Path("{slug}/publish")
    @EditorOnly
    @Operation(summary = "Publish an article (editor)")
    @APIResponse(responseCode = "200", description = "Published")
    public Uni<Response> publish(@PathParam("slug") String slug) {
        if (!Slugs.isSlug(slug)) {
            return Uni.createFrom().failure(ArticleService.notFound(slug));
        }
        return articles.publish(slug).map(ArticleResource::ok);
    }

    private static Response ok(ArticleJson article) {
        return Response.ok(article).header(HttpHeaders.ETAG, Preconditions.etag(article.version())).build();
    }
}
