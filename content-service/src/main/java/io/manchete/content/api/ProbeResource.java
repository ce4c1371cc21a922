package io.manchete.content.api;

import io.manchete.content.domain.Article;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.infinispan.client.Remote;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.infinispan.client.hotrod.RemoteCache;

@Path("/api/v1/probe")
public class ProbeResource {
    private final RemoteCache<String, String> cache;

    public ProbeResource(@Remote("content-articles") RemoteCache<String, String> cache) {
        this.cache = cache;
    }

    @GET
    @Path("{slug}")
    @WithSession
    public Uni<String> get(@PathParam("slug") String slug) {
        Context ctx = Vertx.currentContext();
        return Uni.createFrom().completionStage(() -> cache.getAsync(slug))
                .emitOn(r -> ctx.runOnContext(v -> r.run()))
                .onItem().ifNotNull().transform(v -> "cache:" + v)
                .onItem().ifNull().switchTo(() -> Article.<Article>find("slug", slug).firstResult()
                        .onItem().ifNotNull().transformToUni(a -> Uni.createFrom().completionStage(cache.putAsync(slug, a.title))
                                .emitOn(r -> ctx.runOnContext(v -> r.run()))
                                .replaceWith("db:" + a.title))
                        .onItem().ifNull().continueWith("none"));
    }
}
