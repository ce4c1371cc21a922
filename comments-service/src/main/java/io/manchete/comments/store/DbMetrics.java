package io.manchete.comments.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code manchete.db.queries{service=comments}}: one increment per statement sent to PostgreSQL. */
@ApplicationScoped
public class DbMetrics {
    private final Counter queries;

    public DbMetrics(MeterRegistry registry) {
        this.queries = Counter.builder("manchete.db.queries")
                .description("Statements sent to the database")
                .tag("service", "comments")
                .register(registry);
    }

    public void query() {
        queries.increment();
    }
}
