package io.manchete.comments.cache;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the service's own caches: a real Hot Rod round trip to each (the client extension's
 * own check only lists cache names the client already knows, so it stays UP with the server gone).
 * The same check as content-service's and page-service's.
 */
@Readiness
@ApplicationScoped
public class InfinispanReadiness implements AsyncHealthCheck {
    private final CommentsCache cache;

    public InfinispanReadiness(CommentsCache cache) {
        this.cache = cache;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return cache.reachable().map(up -> HealthCheckResponse.named("comments-service Infinispan caches")
                .status(up)
                .withData("caches", CommentsCache.FRAGMENTS + "," + CommentsCache.COUNTS + "," + CommentsCache.PAGES)
                .build());
    }
}
