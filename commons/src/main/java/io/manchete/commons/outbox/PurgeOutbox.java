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
        String joined = join(tags);
        return session.createNativeQuery("INSERT INTO purge_outbox (tags) VALUES (:tags)")
                .setParameter("tags", joined)
                .executeUpdate()
                .replaceWithVoid();
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
