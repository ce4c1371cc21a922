package io.manchete.commons.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;

/**
 * {@code manchete.db.queries{service, cause}}: one increment per statement a service sends to its
 * database. {@code cause} says what the statement was for, so that read amplification can be told
 * from the cost of writes: {@code read} — a statement made while answering a GET or HEAD (a cache
 * miss on the way to a page); {@code write} — while answering any other method (the write itself and
 * what it refreshes); {@code background} — outside any request (start-up, timers).
 */
public final class DbQueries {
    public static final String METRIC = "manchete.db.queries";
    public static final String READ = "read";
    public static final String WRITE = "write";
    public static final String BACKGROUND = "background";
    static final String CAUSE = "manchete.db.cause";

    private final Counter read;
    private final Counter write;
    private final Counter background;

    public DbQueries(MeterRegistry registry, String service) {
        this.read = counter(registry, service, READ);
        this.write = counter(registry, service, WRITE);
        this.background = counter(registry, service, BACKGROUND);
    }

    private static Counter counter(MeterRegistry registry, String service, String cause) {
        return Counter.builder(METRIC)
                .description("Statements sent to the service's PostgreSQL database, by what they were for")
                .tag("service", service)
                .tag("cause", cause)
                .register(registry);
    }

    /** Counts one statement, attributed to the request being answered on this Vert.x context. */
    public void increment() {
        switch (cause()) {
            case READ -> read.increment();
            case WRITE -> write.increment();
            default -> background.increment();
        }
    }

    /** Marks the current request (on its duplicated Vert.x context) as a read or a write, by its HTTP method. */
    public static void markRequest(String method) {
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(CAUSE, "GET".equals(method) || "HEAD".equals(method) ? READ : WRITE);
        }
    }

    static String cause() {
        if (!VertxContext.isOnDuplicatedContext()) {
            return BACKGROUND;
        }
        return ContextLocals.get(CAUSE, BACKGROUND);
    }
}
