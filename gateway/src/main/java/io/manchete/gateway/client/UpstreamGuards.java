package io.manchete.gateway.client;

import io.manchete.gateway.config.GatewayConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One SmallRye Fault Tolerance guard per upstream (page, content, comments) — so one struggling
 * service never opens another's breaker or fills another's bulkhead — and one more for comment writes.
 * Each guard is, from the outside in:
 * <ol>
 * <li><b>retry</b> (reads only): at most {@code manchete.services.X.retry.max-retries} (1) more
 * attempts after {@code delay ± jitter}, only for a connection failure or a 502/503/504, only while
 * the breaker is closed, only while the upstream's retry budget ({@code budget-per-second}) lasts,
 * and only when the failure came within half the timeout (so a retry never doubles a slow call);</li>
 * <li><b>circuit breaker</b>: opens when {@code failure-ratio} of the last {@code window} calls
 * failed (connection failure, timeout, 5xx — not a refused bulkhead), refuses calls for
 * {@code delay}, then lets trial calls through;</li>
 * <li><b>timeout</b>: {@code manchete.services.X.timeout} per attempt (writes: {@code write-timeout});</li>
 * <li><b>bulkhead</b>: {@code limit} calls in flight, {@code queue} waiting; beyond that a call fails at
 * once, so a secondary fragment becomes a placeholder instead of queueing.</li>
 * </ol>
 * The guards are non-blocking: the Mutiny {@link Uni} of the Vert.x web client is guarded as it is,
 * timers and retries come back on the caller's event loop. Metrics (Micrometer, {@code /q/metrics})
 * carry {@code method="upstream.<service>"} ({@code upstream.comments.write} for comment posts):
 * {@code ft_circuitbreaker_state_current}, {@code ft_circuitbreaker_calls_total},
 * {@code ft_circuitbreaker_opened_total}, {@code ft_bulkhead_executionsRunning},
 * {@code ft_bulkhead_executionsWaiting}, {@code ft_bulkhead_calls_total}, {@code ft_timeout_calls_total},
 * {@code ft_retry_retries_total}, {@code ft_invocations_total}.
 */
@ApplicationScoped
public class UpstreamGuards {
    /** Prefix of the guards' names: the {@code method} tag of their metrics and the breakers' names. */
    public static final String PREFIX = "upstream.";
    public static final String COMMENT_WRITES = PREFIX + "comments.write";

    private static final Logger LOG = Logger.getLogger(UpstreamGuards.class);
    private static final TypeLiteral<Uni<HttpResponse<Buffer>>> RESPONSE = new TypeLiteral<>() {
    };

    private final Map<Upstream, Guarded> reads = new EnumMap<>(Upstream.class);
    private final Guarded commentWrites;
    private final CircuitBreakerMaintenance maintenance;

    public UpstreamGuards(GatewayConfig config, CircuitBreakerMaintenance maintenance) {
        this.maintenance = maintenance;
        reads.put(Upstream.PAGE, new Guarded(PREFIX + "page", config.services().page(), true));
        reads.put(Upstream.CONTENT, new Guarded(PREFIX + "content", config.services().content(), true));
        reads.put(Upstream.COMMENTS, new Guarded(PREFIX + "comments", config.services().comments(), true));
        commentWrites = new Guarded(COMMENT_WRITES, config.services().comments(), false);
    }

    /** How long a read of the upstream may take at most: its budget, or its late limit when longer. */
    public static long readLimitMillis(GatewayConfig.Service service) {
        long budget = Math.max(1, service.timeout().toMillis());
        return Math.max(budget, service.lateLimit().map(Duration::toMillis).orElse(budget));
    }

    /**
     * A read (GET) of {@code upstream}, guarded: {@code attempt} is called for every attempt and must
     * fail with {@link UpstreamStatusException} for a 5xx. Lazy: nothing happens before subscription.
     */
    public Uni<HttpResponse<Buffer>> read(Upstream upstream, Supplier<Uni<HttpResponse<Buffer>>> attempt) {
        return reads.get(upstream).guard.get(attempt);
    }

    /** A comment POST, guarded (breaker, timeout, bulkhead; never retried). */
    public Uni<HttpResponse<Buffer>> writeComment(Supplier<Uni<HttpResponse<Buffer>>> attempt) {
        return commentWrites.guard.get(attempt);
    }

    /** The state of {@code upstream}'s read breaker, as last reported by it. */
    public CircuitBreakerState state(Upstream upstream) {
        return reads.get(upstream).state;
    }

    /**
     * Closes every breaker and refills every retry budget (tests, operators). SmallRye's
     * {@code ft_circuitbreaker_state_current} gauges follow state transitions only, so after a reset
     * they show the old state until the breaker next changes.
     */
    public void reset() {
        for (Guarded guarded : reads.values()) {
            guarded.reset();
        }
        commentWrites.reset();
    }

    private final class Guarded {
        final String name;
        final TypedGuard<Uni<HttpResponse<Buffer>>> guard;
        final RetryBudget budget;
        final long retryWithinMillis;
        volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;

        Guarded(String name, GatewayConfig.Service service, boolean read) {
            this.name = name;
            GatewayConfig.Retry retry = service.retry();
            this.budget = new RetryBudget(read ? retry.budgetPerSecond() : 0);
            long timeout = Math.max(1, (read ? service.timeout() : service.writeTimeout()).toMillis());
            // a read may go on up to its late limit (the page assembler cuts a secondary at its budget)
            long limit = read ? readLimitMillis(service) : timeout;
            long delay = Math.max(0, retry.delay().toMillis());
            long jitter = Math.max(0, Math.min(delay, retry.jitter().toMillis()));
            // a retry only while the first attempt failed within half its budget (and at least the pause)
            this.retryWithinMillis = Math.max(timeout / 2, delay + jitter + 1);
            GatewayConfig.Breaker breaker = service.breaker();
            TypedGuard.Builder<Uni<HttpResponse<Buffer>>> builder = TypedGuard.create(RESPONSE)
                    .withDescription(name)
                    .withBulkhead()
                        .limit(Math.max(1, service.bulkhead().limit()))
                        .queueSize(Math.max(1, service.bulkhead().queue()))
                        .done()
                    .withTimeout().duration(limit, ChronoUnit.MILLIS).done()
                    .withCircuitBreaker()
                        .name(name)
                        .requestVolumeThreshold(Math.max(1, breaker.window()))
                        .failureRatio(Math.max(0, Math.min(1, breaker.failureRatio())))
                        .delay(Math.max(0, breaker.delay().toMillis()), ChronoUnit.MILLIS)
                        .successThreshold(Math.max(1, breaker.successThreshold()))
                        // a full bulkhead says nothing about the upstream's health
                        .when(failure -> !(failure instanceof BulkheadException))
                        .onStateChange(this::changed)
                        .done();
            if (read && retry.maxRetries() > 0 && budget.available()) {
                builder = builder.withRetry()
                        .maxRetries(retry.maxRetries())
                        .delay(delay, ChronoUnit.MILLIS)
                        .jitter(jitter, ChronoUnit.MILLIS)
                        .maxDuration(retryWithinMillis, ChronoUnit.MILLIS)
                        .whenException(failure -> retryable(failure) && state == CircuitBreakerState.CLOSED
                                && budget.available())
                        .beforeRetry(failure -> budget.take())
                        .done();
            }
            this.guard = builder.build();
        }

        private void changed(CircuitBreakerState newState) {
            state = newState;
            if (newState == CircuitBreakerState.OPEN) {
                LOG.warnf("Circuit breaker %s opened: calls to it fail fast for a while", name);
            } else if (newState == CircuitBreakerState.CLOSED) {
                LOG.infof("Circuit breaker %s closed again", name);
            } else {
                LOG.debugf("Circuit breaker %s half-open: trying calls again", name);
            }
        }

        void reset() {
            maintenance.reset(name);
            state = CircuitBreakerState.CLOSED;
            budget.reset();
        }
    }

    /** A failure worth one more try: a connection failure, or a 502/503/504 — never a timeout, an open breaker, a full bulkhead. */
    static boolean retryable(Throwable failure) {
        if (failure instanceof UpstreamStatusException status) {
            return status.transientStatus();
        }
        return !(failure instanceof TimeoutException)
                && !(failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException)
                && !(failure instanceof CircuitBreakerOpenException)
                && !(failure instanceof BulkheadException)
                && !(failure instanceof IllegalArgumentException); // a bad request URI: the same next time
    }
}
