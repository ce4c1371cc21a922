package io.manchete.pages.api;

import io.manchete.commons.http.FragmentHeaders;
import io.manchete.pages.config.PagesConfig;
import io.manchete.pages.domain.NavItem;
import io.manchete.pages.service.NavigationService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

@Path("/api/v1/navigation")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "navigation")
public class NavigationResource {
    private final NavigationService navigation;
    private final PagesConfig config;

    public NavigationResource(NavigationService navigation, PagesConfig config) {
        this.navigation = navigation;
        this.config = config;
    }

    @GET
    @Operation(summary = "The sections, in menu order")
    public Uni<RestResponse<List<NavItem>>> navigation() {
        return navigation.navigation().map(items -> RestResponse.ResponseBuilder.ok(items)
                .header(HttpHeaders.CACHE_CONTROL, FragmentHeaders.cacheControl(config.layout().maxAge()))
                .header(FragmentHeaders.SURROGATE_KEY, "shell")
                .build());
    }
}
