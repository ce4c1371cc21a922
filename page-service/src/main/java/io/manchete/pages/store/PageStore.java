package io.manchete.pages.store;

import io.manchete.commons.outbox.PurgeOutbox;
import io.manchete.pages.domain.AssetRef;
import io.manchete.pages.domain.Front;
import io.manchete.pages.domain.LayoutDefinition;
import io.manchete.pages.domain.NavItem;
import io.manchete.commons.telemetry.DbQueries;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pages} database through Hibernate Reactive. Every round trip to PostgreSQL counts in
 * {@code manchete.db.queries{service=pages}}. Callers must be on a Vert.x context.
 */
@ApplicationScoped
public class PageStore {
    private final Mutiny.SessionFactory sessions;
    private final DbQueries queries;

    public PageStore(Mutiny.SessionFactory sessions, MeterRegistry registry) {
        this.sessions = sessions;
        this.queries = new DbQueries(registry, "pages");
    }

    /** The sections in menu order. */
    public Uni<List<NavItem>> sections() {
        return sessions.withSession(session -> {
            queries.increment();
            return session.createSelectionQuery("from SectionRow order by position, slug", SectionRow.class)
                    .getResultList()
                    .map(rows -> rows.stream().map(row -> new NavItem(row.slug, row.name)).toList());
        });
    }

    /** A front with its slots in slot-name order; a front never written is empty. */
    public Uni<Front> front(String name) {
        return sessions.withSession(session -> {
            queries.increment();
            return session.createSelectionQuery("from FrontRow where name = :name order by slot, position", FrontRow.class)
                    .setParameter("name", name)
                    .getResultList()
                    .map(rows -> {
                        Map<String, List<String>> slots = new LinkedHashMap<>();
                        rows.forEach(row -> slots.computeIfAbsent(row.slot, s -> new ArrayList<>()).add(row.articleSlug));
                        return new Front(name, slots);
                    });
        });
    }

    /**
     * Replaces every slot of the front and records {@code purgeTags} in {@code purge_outbox}, in one
     * transaction: the purge commits with the front or not at all.
     */
    public Uni<Void> replaceFront(Front front, Collection<String> purgeTags) {
        return sessions.withTransaction((session, tx) -> {
            queries.increment();
            return session.createMutationQuery("delete from FrontRow where name = :name")
                    .setParameter("name", front.name())
                    .executeUpdate()
                    .chain(() -> {
                        List<FrontRow> rows = new ArrayList<>();
                        front.slots().forEach((slot, slugs) -> {
                            for (int i = 0; i < slugs.size(); i++) {
                                rows.add(new FrontRow(front.name(), slot, i, slugs.get(i)));
                            }
                        });
                        if (rows.isEmpty()) {
                            return Uni.createFrom().voidItem();
                        }
                        queries.increment(); // one batched insert
                        return session.persistAll(rows.toArray()).chain(session::flush);
                    })
                    .chain(() -> recordPurge(session, purgeTags));
        });
    }

    /** One INSERT into {@code purge_outbox} in the session's current transaction. */
    private Uni<Void> recordPurge(Mutiny.Session session, Collection<String> tags) {
        queries.increment();
        return Uni.createFrom().deferred(() -> PurgeOutbox.record(session, tags));
    }

    /** The skeleton of a route kind, or null when there is none. */
    public Uni<LayoutDefinition> layout(String route) {
        return sessions.withSession(session -> {
            queries.increment();
            return session.find(LayoutRow.class, route).chain(layout -> {
                if (layout == null) {
                    return Uni.createFrom().nullItem();
                }
                queries.increment();
                return session.createSelectionQuery("from LayoutSlotRow where route = :route order by position", LayoutSlotRow.class)
                        .setParameter("route", route)
                        .getResultList()
                        .map(rows -> new LayoutDefinition(layout.route, layout.front, layout.maxAge, rows.stream()
                                .map(row -> new LayoutDefinition.SlotDefinition(row.name, LayoutDefinition.Kind.of(row.kind),
                                        row.service, row.path, row.heading, row.itemLimit, row.isPrimary))
                                .toList()));
            });
        });
    }

    /** The routes whose layout shows the given front. */
    public Uni<List<String>> routesShowingFront(String front) {
        return sessions.withSession(session -> {
            queries.increment();
            return session.createSelectionQuery("select route from LayoutRow where front = :front order by route", String.class)
                    .setParameter("front", front)
                    .getResultList();
        });
    }

    /** The asset index (no contents), by name. */
    public Uni<List<AssetRef>> assets() {
        return sessions.withSession(session -> {
            queries.increment();
            return session.createSelectionQuery("select name, contentType, hash from AssetRow order by name", Object[].class)
                    .getResultList()
                    .map(rows -> rows.stream().map(row -> new AssetRef((String) row[0], (String) row[1], ((String) row[2]).trim())).toList());
        });
    }

    /** The content of an asset if its current hash is still the given one, else null. */
    public Uni<byte[]> assetContent(String name, String hash) {
        return sessions.withSession(session -> {
            queries.increment();
            return session.createSelectionQuery("select content from AssetRow where name = :name and hash = :hash", byte[].class)
                    .setParameter("name", name)
                    .setParameter("hash", hash)
                    .getSingleResultOrNull();
        });
    }

    /**
     * Creates or replaces an asset and records {@code purgeTags} in {@code purge_outbox}, in one
     * transaction; true when it was created.
     */
    public Uni<Boolean> saveAsset(String name, String contentType, byte[] content, String hash,
                                  Collection<String> purgeTags) {
        return sessions.withTransaction((session, tx) -> {
            queries.increment();
            return session.find(AssetRow.class, name).chain(existing -> {
                AssetRow row = existing == null ? new AssetRow() : existing;
                row.name = name;
                row.contentType = contentType;
                row.content = content;
                row.hash = hash;
                row.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                queries.increment();
                Uni<Void> write = existing == null ? session.persist(row) : Uni.createFrom().voidItem();
                return write.chain(session::flush)
                        .chain(() -> recordPurge(session, purgeTags))
                        .replaceWith(existing == null);
            });
        });
    }
}
