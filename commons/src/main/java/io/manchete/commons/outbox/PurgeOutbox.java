package io.manchete.commons.outbox;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Active expiration, write side. A service records the tags its write changes in its own
 * {@code purge_outbox} table <em>inside the write's transaction</em>: the announcement commits with
 * the data or not at all, so it cannot be lost. {@link PurgeRelay} delivers it afterwards.
 *
 * <p>Each service's migrations create the table:
 * {@code CREATE TABLE purge_outbox (id BIGSERIAL PRIMARY KEY, tags TEXT NOT NULL,
 * created_at TIMESTAMPTZ NOT NULL DEFAULT now())}.
 */
public final class PurgeOutbox {
    private static final Pattern TAG = Pattern.compile("[a-z]+(:[a-z0-9_-]{1,160})?");

    private PurgeOutbox() {
    }

    /** Adds the tags to the outbox in the session's current transaction. */
    public static Uni<Void> record(Mutiny.Session session, Collection<String> tags) {
        // clock_timestamp(), not now(): the relay's settle time counts from this insert (the write's
        // last statement), not from the start of a transaction that may have waited on a lock.
        return Uni.createFrom().deferred(() -> session
                .createNativeQuery("INSERT INTO purge_outbox (tags, created_at) VALUES (:tags, clock_timestamp())")
                .setParameter("tags", join(tags))
                .executeUpdate()
                .replaceWithVoid());
    }

    /** Space-separated, de-duplicated, validated tags. */
    static String join(Collection<String> tags) {
        Set<String> unique = new LinkedHashSet<>();
        for (String tag : tags) {
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("not a cache tag: " + tag);
            }
            unique.add(tag);
        }
        if (unique.isEmpty()) {
            throw new IllegalArgumentException("no tags to purge");
        }
        return String.join(" ", unique);
    }
}
