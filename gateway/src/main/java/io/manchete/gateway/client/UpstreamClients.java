package io.manchete.gateway.client;

import io.manchete.gateway.config.GatewayConfig;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/**
 * One keep-alive {@link WebClient} per upstream, with its pool size and budgets from
 * {@link GatewayConfig}. Every upstream call goes through {@link #get} / {@link #post}. The budget of
 * a call is enforced by its fault-tolerance guard ({@link UpstreamGuards}); the Vert.x idle timeout
 * set here (twice the budget) only closes a connection that hangs, so it frees its bulkhead slot.
 * Vert.x' own client tracing is off for these clients: {@link UpstreamSpans} traces each look-up
 * and propagates the trace itself.
 */
@ApplicationScoped
public class UpstreamClients {
    private final Map<Upstream, Target> targets = new EnumMap<>(Upstream.class);
    private final io.vertx.core.Vertx vertx;

    public UpstreamClients(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx.getDelegate();
        targets.put(Upstream.PAGE, target(vertx, Upstream.PAGE, config.services().page()));
        targets.put(Upstream.CONTENT, target(vertx, Upstream.CONTENT, config.services().content()));
        targets.put(Upstream.COMMENTS, target(vertx, Upstream.COMMENTS, config.services().comments()));
    }

    /** A GET to {@code pathAndQuery} on the upstream, with twice its read limit as idle timeout. */
    public HttpRequest<Buffer> get(Upstream upstream, String pathAndQuery) {
        Target target = targets.get(upstream);
        return target.client.get(target.basePath + pathAndQuery).timeout(2 * target.timeoutMillis);
    }

    public HttpRequest<Buffer> post(Upstream upstream, String pathAndQuery) {
        Target target = targets.get(upstream);
        return target.client.post(target.basePath + pathAndQuery).timeout(2 * target.writeTimeoutMillis);
    }

    public long timeoutMillis(Upstream upstream) {
        return targets.get(upstream).timeoutMillis;
    }

    public long writeTimeoutMillis(Upstream upstream) {
        return targets.get(upstream).writeTimeoutMillis;
    }

    public io.vertx.core.Vertx vertx() {
        return vertx;
    }

    @PreDestroy
    void close() {
        targets.values().forEach(target -> target.client.close());
    }

    private static Target target(Vertx vertx, Upstream upstream, GatewayConfig.Service service) {
        URI uri = URI.create(service.url());
        boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        String basePath = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        WebClientOptions options = new WebClientOptions()
                .setDefaultHost(uri.getHost())
                .setDefaultPort(port)
                .setSsl(ssl)
                .setKeepAlive(true)
                .setMaxPoolSize(service.poolSize())
                .setMaxWaitQueueSize(service.poolSize() * 32)
                .setConnectTimeout((int) service.connectTimeout().toMillis())
                .setTcpNoDelay(true)
                .setUserAgent("manchete-gateway")
                .setFollowRedirects(false)
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setName("manchete-" + upstream.serviceName());
        return new Target(WebClient.create(vertx, options), basePath, UpstreamGuards.readLimitMillis(service),
                service.writeTimeout().toMillis());
    }

    private record Target(WebClient client, String basePath, long timeoutMillis, long writeTimeoutMillis) {
    }
}
