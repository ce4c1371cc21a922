package io.manchete.content.api;

import io.manchete.content.domain.Slugs;
import io.manchete.content.service.ArticleService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/sections/{section}/articles")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "articles")
public class SectionResource {
    private final ArticleService articles;

    public SectionResource(ArticleService articles) {
        this.articles = articles;
    }

    @GET
    @Operation(summary = "A section's published articles, newest first")
    public Uni<SectionPage> list(
            @PathParam("section") @Size(max = Slugs.SECTION_MAX) @Pattern(regexp = Slugs.REGEX) String section,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(10_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size) {
        return articles.section(section, page, size);
    }
}
