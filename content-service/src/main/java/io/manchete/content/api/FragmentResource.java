package io.manchete.content.api;

import io.manchete.commons.http.FragmentHeaders;
import io.manchete.commons.problem.ProblemException;
import io.manchete.content.config.ContentConfig;
import io.manchete.content.domain.Slugs;
import io.manchete.content.render.Fragment;
import io.manchete.content.render.FragmentRenderer;
import io.manchete.content.service.FragmentService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** HTML fragments for the gateway: self-contained, escaped, with cache headers and tags. */
@Path("/fragments")
@Produces(FragmentResource.HTML)
@Tag(name = "fragments", description = "HTML fragments composed by the gateway")
public class FragmentResource {
    static final String HTML = "text/html;charset=UTF-8";
    private static final int MAX_SLUGS = 50;

    private final FragmentService fragments;
    private final ContentConfig.Fragments maxAges;

    public FragmentResource(FragmentService fragments, ContentConfig config) {
        this.fragments = fragments;
        this.maxAges = config.fragments();
    }

    @GET
    @Path("article/{slug}")
    @Operation(summary = "The article body of a published article")
    public Uni<Response> article(@PathParam("slug") String slug, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (!Slugs.isSlug(slug)) {
            return Uni.createFrom().item(missing("article"));
        }
        return fragments.article(slug).map(fragment -> fragment == null ? missing("article")
                : answer(fragment, maxAges.articleMaxAge(), ifNoneMatch));
    }

    @GET
    @Path("teasers")
    @Operation(summary = "Teasers: a section's newest (section, limit) or given articles in order (slugs)")
    public Uni<Response> teasers(@QueryParam("section") @Size(max = Slugs.SECTION_MAX) String section,
            @QueryParam("slugs") @Size(max = 8200) String slugs,
            @QueryParam("limit") @DefaultValue("10") @Min(1) @Max(100) int limit,
            @QueryParam("heading") @DefaultValue("") @Size(max = 200) String heading,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        boolean bySection = section != null && !section.isBlank();
        boolean bySlugs = slugs != null && !slugs.isBlank();
        if (bySection == bySlugs) {
            throw ProblemException.badRequest("section", "give either section or slugs");
        }
        if (bySection) {
            if (!Slugs.isSection(section)) {
                throw ProblemException.badRequest("section", "must be lower-case words joined by single hyphens");
            }
            return fragments.sectionTeasers(section, limit, heading)
                    .map(fragment -> answer(fragment, maxAges.sectionTeasersMaxAge(), ifNoneMatch));
        }
        List<String> wanted = Arrays.stream(slugs.split(",")).map(String::strip).filter(Slugs::isSlug).distinct().toList();
        if (wanted.size() > MAX_SLUGS) {
            throw ProblemException.badRequest("slugs", "at most " + MAX_SLUGS + " slugs");
        }
        return fragments.slugTeasers(wanted, heading)
                .map(fragment -> answer(fragment, maxAges.slugTeasersMaxAge(), ifNoneMatch));
    }

    private Response missing(String what) {
        return Response.status(Response.Status.NOT_FOUND)
                .type(HTML)
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=" + maxAges.notFoundMaxAge())
                .entity(FragmentRenderer.missing(what))
                .build();
    }

    private static Response answer(Fragment fragment, int maxAge, String ifNoneMatch) {
        boolean fresh = ifNoneMatch != null && ifNoneMatch.contains(fragment.etag());
        Response.ResponseBuilder builder = (fresh ? Response.notModified() : Response.ok(fragment.html(), HTML))
                .header(HttpHeaders.CACHE_CONTROL, FragmentHeaders.cacheControl(maxAge))
                .header(HttpHeaders.ETAG, fragment.etag());
        if (fragment.tags() != null && !fragment.tags().isEmpty()) {
            builder.header(FragmentHeaders.SURROGATE_KEY, fragment.tags());
        }
        if (fragment.title() != null) {
            builder.header(FragmentHeaders.FRAGMENT_TITLE, titleHeader(fragment.title()));
        }
        return builder.build();
    }

    /** Percent-encoded UTF-8 ({@code %20} for spaces, so both URL decoders and plain percent-decoding read it). */
    static String titleHeader(String title) {
        return URLEncoder.encode(title, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
