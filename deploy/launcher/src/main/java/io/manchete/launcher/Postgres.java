package io.manchete.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server Manchete runs against: the one at 127.0.0.1:5432 when it answers (trust
 * auth, user postgres), otherwise an embedded one (zonky) started on a free loopback port.
 */
public final class Postgres implements AutoCloseable {
    private static final Pattern DB_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final String host;
    private final int port;
    private final String user;
    private final EmbeddedPostgres embedded;

    private Postgres(String host, int port, String user, EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.embedded = embedded;
    }

    /**
     * Uses {@code host:port} when a server answers there (or {@code MANCHETE_PG_HOST/PORT/USER}),
     * else starts an embedded one with its data under {@code dataDir}.
     */
    public static Postgres obtain(Path dataDir) {
        String host = env("MANCHETE_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MANCHETE_PG_PORT", "5432"));
        String user = env("MANCHETE_PG_USER", "postgres");
        boolean forceEmbedded = Boolean.parseBoolean(env("MANCHETE_PG_EMBEDDED", "false"));
        if (!forceEmbedded && answers(host, port, user)) {
            return new Postgres(host, port, user, null);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setPort(Ports.freePort())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            return new Postgres("127.0.0.1", pg.getPort(), "postgres", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("no PostgreSQL at " + host + ":" + port + " and the embedded one failed to start", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? System.getProperty(name.toLowerCase().replace('_', '.'), fallback) : value;
    }

    private static boolean answers(String host, int port, String user) {
        try (Connection ignored = connect(host, port, user, "postgres")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static Connection connect(String host, int port, String user, String db) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, props);
    }

    public boolean embedded() {
        return embedded != null;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    public String reactiveUrl(String db) {
        return "postgresql://" + host + ":" + port + "/" + db;
    }

    public Connection connect(String db) throws SQLException {
        return connect(host, port, user, db);
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String db) {
        requireName(db);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'");
            if (!rs.next()) {
                st.execute("CREATE DATABASE " + db);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + db + ": " + e.getMessage(), e);
        }
    }

    /** Drops the database, closing other sessions first. */
    public void dropDatabase(String db) {
        requireName(db);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + db + ": " + e.getMessage(), e);
        }
    }

    private static void requireName(String db) {
        if (!DB_NAME.matcher(db).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + db);
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
