package io.manchete.content.cache;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the service's own caches: a real Hot Rod round trip to each (the client extension's
 * own check only lists cache names the client already knows, so it stays UP with the server gone).
 */
@Readiness
@ApplicationScoped
public class InfinispanReadiness implements AsyncHealthCheck {
    private final ContentCache cache;

    public InfinispanReadiness(ContentCache cache) {
        this.cache = cache;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return cache.reachable().map(up -> HealthCheckResponse.named("content-service Infinispan caches")
                .status(up)
                .withData("caches", Store.ARTICLES_NAME + "," + Store.FRAGMENTS_NAME)
                .build());
    }
}
