package io.manchete.comments.store;

import io.manchete.commons.telemetry.DbQueries;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code manchete.db.queries{service=comments,cause}}: one increment per statement sent to PostgreSQL. */
@ApplicationScoped
public class DbMetrics {
    private final DbQueries queries;

    public DbMetrics(MeterRegistry registry) {
        this.queries = new DbQueries(registry, "comments");
    }

    public void query() {
        queries.increment();
    }
}
