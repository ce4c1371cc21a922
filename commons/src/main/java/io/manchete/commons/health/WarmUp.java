package io.manchete.commons.health;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service that has just started is cold: JIT, its PostgreSQL pool, its Hot Rod connections, the
 * first render of each template. Its first answers can miss the gateway's budgets (150–250 ms), and
 * every call that times out keeps the gateway's circuit breaker for the service open 2 s more. So the
 * service is not ready ({@code /q/health/ready}, check "Warm-up") until it has answered
 * {@code manchete.warm-up.requests} (30) of its own typical requests — the {@code manchete.warm-up.paths}
 * in turn, asked of itself over loopback, {@code manchete.warm-up.concurrency} (2) at a time — or until
 * {@code manchete.warm-up.max-time} (15 s) has passed since start-up, whichever comes first; then it is
 * UP for good. Any outcome counts as an answer, a 404, a 5xx or a failed request too: the point is to
 * have run the code, and a service whose database or cache is down must not be kept out longer than that
 * (its own checks say so). No paths, or {@code manchete.warm-up.enabled=false}: UP at once.
 *
 * <p>The same as the gateway's own {@code WarmUp}, for page-, content- and comments-service. Nothing
 * here blocks: the requests go out once the HTTP server listens ({@link HttpServerStart}), through a
 * Vert.x client on one event-loop context. They carry an unsampled {@code traceparent}, so they leave no
 * traces, and {@code User-Agent: manchete-warm-up}; they do show in the access log.
 */
@ApplicationScoped
@Readiness
public class WarmUp implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    static final String NAME = "Warm-up";
    /** The {@code User-Agent} of the warm-up's requests. */
    public static final String USER_AGENT = "manchete-warm-up";
    /** No single request may hold the warm-up longer than this (max-time ends it anyway). */
    private static final int REQUEST_TIMEOUT_MILLIS = 5_000;
    /** A W3C trace context whose sampled flag is off: the services' samplers follow the parent. */
    private static final String UNSAMPLED = "00-5761726d2d7570000000000000000001-5761726d75703031-00";

    private final Vertx vertx;
    private final List<String> paths;
    private final int requests;
    private final int concurrency;
    private final Duration maxTime;
    private final boolean active;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile boolean warm;
    private volatile HttpClient client;
    private volatile long timer = -1;
    private volatile long began;

    public WarmUp(Vertx vertx,
                  @ConfigProperty(name = "manchete.warm-up.enabled", defaultValue = "true") boolean enabled,
                  @ConfigProperty(name = "manchete.warm-up.paths") Optional<List<String>> paths,
                  @ConfigProperty(name = "manchete.warm-up.requests", defaultValue = "30") int requests,
                  @ConfigProperty(name = "manchete.warm-up.concurrency", defaultValue = "2") int concurrency,
                  @ConfigProperty(name = "manchete.warm-up.max-time", defaultValue = "15s") Duration maxTime) {
        this.vertx = vertx;
        this.paths = paths.orElse(List.of()).stream().map(String::strip).filter(p -> p.startsWith("/")).toList();
        this.requests = requests;
        this.concurrency = Math.max(1, concurrency);
        this.maxTime = maxTime;
        this.active = enabled && !this.paths.isEmpty() && requests > 0;
        this.warm = !active;
        this.done.set(!active);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onListening(@ObservesAsync HttpServerStart event) {
        String host = event.options().getHost();
        boolean any = host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        // the port listened on, also when a random one was asked for (0, as in tests)
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class)
                .filter(p -> p > 0).orElse(event.options().getPort());
        warmUp(any ? "127.0.0.1" : host, port);
    }

    /** Starts the clock: UP after {@code max-time} whatever happened (the HTTP server may not even listen). */
    void start() {
        if (done.get()) {
            return;
        }
        if (began == 0) {
            began = System.nanoTime();
        }
        timer = vertx.setTimer(Math.max(1, maxTime.toMillis()), id -> finish("gave up after " + maxTime.toSeconds() + " s"));
    }

    /** Sends the requests to {@code host:port}; once only. */
    void warmUp(String host, int port) {
        if (done.get() || !begun.compareAndSet(false, true)) {
            return;
        }
        if (began == 0) {
            began = System.nanoTime();
        }
        // one context: every callback runs on the same event loop, one after the other
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                    .setMaxPoolSize(concurrency));
            if (done.get()) { // max-time ran out before the server listened
                client.close();
                return;
            }
            LOG.debugf("Warm-up: %d requests to %s:%d over %s", requests, host, port, paths);
            for (int i = 0; i < Math.min(concurrency, requests); i++) {
                next();
            }
        });
    }

    private void next() {
        int n = sent.getAndIncrement();
        if (done.get() || n >= requests) {
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(paths.get(n % paths.size()))
                        .setTimeout(REQUEST_TIMEOUT_MILLIS)
                        .putHeader("traceparent", UNSAMPLED)
                        .putHeader("User-Agent", USER_AGENT))
                .compose(request -> request.send().compose(response -> response.body().map(body -> response.statusCode())))
                .onComplete(result -> {
                    if (result.failed() || result.result() >= 500) {
                        failed.incrementAndGet();
                    }
                    if (answered.incrementAndGet() >= requests) {
                        finish("answered " + requests + " requests");
                    } else {
                        next();
                    }
                });
    }

    private void finish(String how) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        warm = true;
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        if (client != null) {
            client.close();
        }
        long millis = began == 0 ? 0 : (System.nanoTime() - began) / 1_000_000;
        LOG.infof("Warm-up done: %s (%d answered, %d of them failed or 5xx) in %d ms; ready", how, answered.get(),
                failed.get(), millis);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(warm);
        return active ? response.withData("answered", answered.get() + " of " + requests).build() : response.build();
    }
}
