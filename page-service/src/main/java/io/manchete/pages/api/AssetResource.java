package io.manchete.pages.api;

import io.manchete.commons.problem.ProblemException;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.AssetNames;
import io.manchete.pages.domain.AssetRef;
import io.manchete.pages.service.AssetService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The asset index and uploads. The bytes themselves are served by {@link StaticAssetResource}. */
@Path("/api/v1/assets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "assets")
public class AssetResource {
    private final AssetService assets;
    private final PagesConfig config;

    public AssetResource(AssetService assets, PagesConfig config) {
        this.assets = assets;
        this.config = config;
    }

    /** An asset as clients see it: where its current content is served. */
    public record AssetView(String name, String path, String contentType) {
        static AssetView of(AssetRef ref) {
            return new AssetView(ref.name(), ref.path(), ref.contentType());
        }
    }

    @GET
    @Operation(summary = "Every asset with the hashed path of its current content")
    public Uni<List<AssetView>> list() {
        return assets.index().map(index -> index.stream().map(AssetView::of).toList());
    }

    @PUT
    @Path("{name}")
    @EditorOnly
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Creates or replaces an asset (raw bytes + Content-Type, editor token); new content, new hashed path")
    public Uni<Response> put(@PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                             byte[] body) {
        if (!AssetNames.isValidName(name)) {
            throw ProblemException.badRequest("name", "an asset name is base.ext in lower-case letters, digits and dashes");
        }
        String type = contentType(contentType);
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("body", "the asset content is empty");
        }
        if (body.length > config.asset().maxBytes()) {
            throw new ProblemException(413, "Content Too Large", "an asset is at most " + config.asset().maxBytes() + " bytes",
                    List.of(), Map.of());
        }
        return assets.save(name, type, body).map(saved -> {
            AssetView view = AssetView.of(saved.asset());
            return (saved.created() ? Response.created(URI.create(view.path())) : Response.ok()).entity(view).build();
        });
    }

    private static String contentType(String header) {
        if (header == null || header.isBlank()) {
            throw ProblemException.badRequest("Content-Type", "the asset's media type is required");
        }
        try {
            MediaType type = MediaType.valueOf(header.trim());
            if (type.isWildcardType() || type.isWildcardSubtype()) {
                throw ProblemException.badRequest("Content-Type", "must be a concrete media type such as text/css");
            }
            return header.trim();
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("Content-Type", "not a media type");
        }
    }
}
