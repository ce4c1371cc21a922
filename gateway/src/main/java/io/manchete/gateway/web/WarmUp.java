package io.manchete.gateway.web;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * A gateway that has just started is cold: JIT, the connection pools to the services and to
 * Infinispan. Its first page compositions can miss the upstream budgets, and a page it cannot compose
 * and has no copy of is a 503. So it is not ready ({@code /q/health/ready}, check "Warm-up") until it
 * has assembled its own home page whole once — asked of itself over loopback, revalidating, every
 * 200 ms — or until {@code manchete.warm-up.max} has passed, whichever comes first (a gateway whose
 * upstreams are down must still become ready and serve what it can). Load balancers that follow
 * readiness send it readers only when it is warm.
 */
@ApplicationScoped
@Readiness
public class WarmUp implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(WarmUp.class);

    private final boolean enabled;
    private final Duration max;
    private final int port;
    private volatile boolean warm;

    public WarmUp(@ConfigProperty(name = "manchete.warm-up.enabled", defaultValue = "true") boolean enabled,
                  @ConfigProperty(name = "manchete.warm-up.max", defaultValue = "20s") Duration max,
                  @ConfigProperty(name = "quarkus.http.port") int port) {
        this.enabled = enabled;
        this.max = max;
        this.port = port;
        this.warm = !enabled;
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        if (!enabled) {
            return;
        }
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        long deadline = System.nanoTime() + max.toNanos();
        vertx.setTimer(100, id -> attempt(vertx, client, deadline, 1));
    }

    private void attempt(Vertx vertx, HttpClient client, long deadline, int n) {
        if (System.nanoTime() - deadline >= 0) {
            finish(client, "not whole after " + n + " attempts; ready anyway after " + max.toSeconds() + " s");
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/").setTimeout(5_000)
                        .putHeader("Cache-Control", "no-cache"))
                .compose(request -> request.send().compose(response -> response.body().map(body ->
                        response.statusCode() == 200 && !body.toString().contains("fragment-unavailable"))))
                .onComplete(result -> {
                    if (result.succeeded() && result.result()) {
                        finish(client, "home page whole after " + n + " attempt(s)");
                    } else {
                        vertx.setTimer(200, id -> attempt(vertx, client, deadline, n + 1));
                    }
                });
    }

    private void finish(HttpClient client, String how) {
        warm = true;
        client.close();
        LOG.infof("Warm-up done: %s; ready for readers", how);
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Warm-up").status(warm).build();
    }
}
