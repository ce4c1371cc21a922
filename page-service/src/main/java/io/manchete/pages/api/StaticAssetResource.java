package io.manchete.pages.api;

import io.manchete.commons.problem.ProblemException;
import io.manchete.pages.service.AssetService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Asset bytes under their content-hashed names. A name is immutable, so it is cached for a year;
 * a name whose hash is not the asset's current one is 404.
 */
@Path("/assets/{hashedName}")
@Tag(name = "assets")
public class StaticAssetResource {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final AssetService assets;

    public StaticAssetResource(AssetService assets) {
        this.assets = assets;
    }

    @GET
    @Operation(summary = "The bytes of an asset's current content, e.g. /assets/site.3f2a9c1b0d.css")
    public Uni<Response> get(@PathParam("hashedName") String hashedName, @Context HttpHeaders headers) {
        return assets.content(hashedName).map(found -> {
            AssetService.Content content = found.orElseThrow(() -> ProblemException.notFound("no asset " + (hashedName.length() > 120 ? hashedName.substring(0, 120) + "…" : hashedName)));
            String etag = content.asset().etag();
            Response.ResponseBuilder response = Responses.notModified(headers, etag)
                    ? Response.notModified()
                    : Response.ok(content.bytes()).type(content.asset().contentType());
            return response
                    .header(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
                    .header(HttpHeaders.ETAG, etag)
                    .header("X-Content-Type-Options", "nosniff")
                    .build();
        });
    }
}
