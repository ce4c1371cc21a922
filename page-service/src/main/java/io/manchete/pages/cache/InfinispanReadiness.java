package io.manchete.pages.cache;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the service's own caches: a real Hot Rod round trip to each (the client extension's
 * own check only lists cache names the client already knows, so it stays UP with the server gone).
 * The same check as content-service's and comments-service's.
 */
@Readiness
@ApplicationScoped
public class InfinispanReadiness implements AsyncHealthCheck {
    private final PageCaches caches;

    public InfinispanReadiness(PageCaches caches) {
        this.caches = caches;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return caches.reachable().map(up -> HealthCheckResponse.named("page-service Infinispan caches")
                .status(up)
                .withData("caches", String.join(",", PageCaches.LAYOUTS, PageCaches.FRONTS, PageCaches.ASSETS,
                        PageCaches.NAVIGATION))
                .build());
    }
}
