package db.migration;

import io.manchete.pages.domain.AssetNames;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * Seeds the six sections, the three layouts and the site's assets. The asset bytes come from
 * {@code seed/assets/} on the classpath, so they stay readable files instead of bytea literals.
 */
public class V2__Seed extends BaseJavaMigration {

    record SectionRow(String slug, String name) {
    }

    record SlotRow(String route, String name, String kind, String service, String path, String heading,
                   Integer limit, boolean primary) {
    }

    record AssetRow(String name, String contentType) {
    }

    static final List<SectionRow> SECTIONS = List.of(
            new SectionRow("world", "World"),
            new SectionRow("politics", "Politics"),
            new SectionRow("business", "Business"),
            new SectionRow("technology", "Technology"),
            new SectionRow("sports", "Sports"),
            new SectionRow("culture", "Culture"));

    static final List<SlotRow> SLOTS = List.of(
            new SlotRow("home", "top", "front", "content", null, "Top stories", null, false),
            new SlotRow("home", "more", "front", "content", null, "More news", null, false),
            new SlotRow("home", "latest", "each-section", "content", null, null, 5, false),
            new SlotRow("section", "main", "section", "content", null, null, 30, true),
            new SlotRow("article", "main", "fixed", "content", "/fragments/article/{slug}", null, null, true),
            new SlotRow("article", "comments", "fixed", "comments", "/fragments/comments/{slug}?section={section}", null, null, false));

    static final List<AssetRow> ASSETS = List.of(
            new AssetRow("site.css", "text/css; charset=utf-8"),
            new AssetRow("site.js", "text/javascript; charset=utf-8"),
            new AssetRow("logo.svg", "image/svg+xml"));

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO section (slug, name, position) VALUES (?, ?, ?)")) {
            for (int i = 0; i < SECTIONS.size(); i++) {
                insert.setString(1, SECTIONS.get(i).slug());
                insert.setString(2, SECTIONS.get(i).name());
                insert.setInt(3, i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO layout (route, front, max_age) VALUES (?, ?, NULL)")) {
            for (String route : List.of("home", "section", "article")) {
                insert.setString(1, route);
                insert.setString(2, route.equals("home") ? "home" : null);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        insertSlots(connection);
        insertAssets(connection);
    }

    private static void insertSlots(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO layout_slot "
                + "(route, position, name, kind, service, path, heading, item_limit, is_primary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int position = 0;
            String route = null;
            for (SlotRow slot : SLOTS) {
                position = slot.route().equals(route) ? position + 1 : 0;
                route = slot.route();
                insert.setString(1, slot.route());
                insert.setInt(2, position);
                insert.setString(3, slot.name());
                insert.setString(4, slot.kind());
                insert.setString(5, slot.service());
                insert.setString(6, slot.path());
                insert.setString(7, slot.heading());
                if (slot.limit() == null) {
                    insert.setNull(8, Types.INTEGER);
                } else {
                    insert.setInt(8, slot.limit());
                }
                insert.setBoolean(9, slot.primary());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertAssets(Connection connection) throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO asset (name, content_type, content, hash, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            for (AssetRow asset : ASSETS) {
                byte[] content = read("seed/assets/" + asset.name());
                insert.setString(1, asset.name());
                insert.setString(2, asset.contentType());
                insert.setBytes(3, content);
                insert.setString(4, AssetNames.sha256Hex(content));
                insert.setTimestamp(5, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static byte[] read(String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader == null ? V2__Seed.class.getClassLoader() : loader).getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("seed asset missing from the classpath: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seed asset " + resource, e);
        }
    }
}
