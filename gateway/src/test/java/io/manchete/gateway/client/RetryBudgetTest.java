package io.manchete.gateway.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryBudgetTest {

    @Test
    void aBudgetIsSpentWithinASecondAndRefilledAfterIt() throws InterruptedException {
        RetryBudget budget = new RetryBudget(2);
        assertTrue(budget.available());
        assertTrue(budget.take());
        assertTrue(budget.take());
        assertFalse(budget.available());
        assertFalse(budget.take());
        Thread.sleep(1_050);
        assertTrue(budget.available(), "a new second, a new budget");
        assertTrue(budget.take());
        budget.reset();
        assertTrue(budget.take());
        assertTrue(budget.take());
        assertFalse(budget.take());
    }

    @Test
    void aZeroBudgetNeverRetries() {
        RetryBudget none = new RetryBudget(0);
        assertFalse(none.available());
        assertFalse(none.take());
    }

    @Test
    void onlyConnectionFailuresAndTransientStatusesAreRetried() {
        assertTrue(UpstreamGuards.retryable(new IOException("Connection reset")));
        assertTrue(UpstreamGuards.retryable(new io.vertx.core.http.HttpClosedException("Connection was closed")));
        assertTrue(UpstreamGuards.retryable(new UpstreamStatusException("content /x", 503)));
        assertTrue(UpstreamGuards.retryable(new UpstreamStatusException("content /x", 502)));
        assertFalse(UpstreamGuards.retryable(new UpstreamStatusException("content /x", 500)), "a bug, not a blip");
        assertFalse(UpstreamGuards.retryable(new TimeoutException()), "the budget is used up already");
        assertFalse(UpstreamGuards.retryable(new org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException()));
        assertFalse(UpstreamGuards.retryable(new org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException()));
        assertFalse(UpstreamGuards.retryable(new org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException()));
    }
}
