package io.manchete.pages.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.manchete.commons.http.FragmentHeaders;
import io.manchete.pages.domain.LayoutComposer;
import io.manchete.pages.service.LayoutService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** The page skeletons the gateway composes pages with. */
@Path("/api/v1/layouts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "layouts")
public class LayoutResource {
    private final LayoutService layouts;
    private final ObjectMapper mapper;

    public LayoutResource(LayoutService layouts, ObjectMapper mapper) {
        this.layouts = layouts;
        this.mapper = mapper;
    }

    @GET
    @Path("home")
    @Operation(summary = "Layout of the home page: front slots and one teaser slot per section")
    public Uni<Response> home(@Context HttpHeaders headers) {
        return layouts.layout("home", null).map(json -> respond(json, headers));
    }

    @GET
    @Path("section/{section}")
    @Operation(summary = "Layout of a section page; 404 for an unknown section")
    public Uni<Response> section(@PathParam("section") String section, @Context HttpHeaders headers) {
        return layouts.layout("section", section).map(json -> respond(json, headers));
    }

    @GET
    @Path("article/{section}")
    @Operation(summary = "Layout of an article page of a section; 404 for an unknown section")
    public Uni<Response> article(@PathParam("section") String section, @Context HttpHeaders headers) {
        return layouts.layout("article", section).map(json -> respond(json, headers));
    }

    private Response respond(String json, HttpHeaders headers) {
        String etag = LayoutComposer.etag(json);
        JsonNode layout = read(json);
        List<String> tags = new ArrayList<>();
        layout.path("tags").forEach(tag -> tags.add(tag.asText()));
        Response.ResponseBuilder response = Responses.notModified(headers, etag)
                ? Response.notModified()
                : Response.ok(json, MediaType.APPLICATION_JSON_TYPE);
        return response
                .header(HttpHeaders.CACHE_CONTROL, FragmentHeaders.cacheControl(layout.path("maxAge").asInt(0)))
                .header(FragmentHeaders.SURROGATE_KEY, FragmentHeaders.tags(tags))
                .header(HttpHeaders.ETAG, etag)
                .build();
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cached layout is not JSON", e);
        }
    }
}
