package io.manchete.launcher.testing;

import io.manchete.launcher.InfinispanServer;
import io.manchete.launcher.Ports;
import io.manchete.launcher.Postgres;
import io.manchete.launcher.ProjectLayout;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Quarkus test resource that gives a service a real PostgreSQL database (fresh, dropped afterwards)
 * and a real Infinispan Server on a free port. No Docker, no mocks.
 *
 * <p>Init args: {@code database} (name prefix, default {@code test}; {@code none} for a service
 * without a database, such as the gateway), {@code infinispan} ({@code false} to skip the server).
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {
    private static volatile InfinispanServer sharedInfinispan;

    private String prefix = "test";
    private boolean withInfinispan = true;
    private Postgres postgres;
    private String database;
    private InfinispanServer infinispan;

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("database", prefix);
        withInfinispan = Boolean.parseBoolean(initArgs.getOrDefault("infinispan", "true"));
    }

    @Override
    public Map<String, String> start() {
        ProjectLayout layout = ProjectLayout.locate();
        Path work = Path.of("target", "real-infra").toAbsolutePath();
        Map<String, String> config = new HashMap<>();
        if (withInfinispan) {
            infinispan = startInfinispan(layout, work);
            config.put("quarkus.infinispan-client.hosts", infinispan.hosts());
        }
        if (prefix.equals("none")) {
            return config;
        }
        postgres = Postgres.obtain(work.resolve("pgdata"));
        database = "mt_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.createDatabase(database);
        config.put("quarkus.datasource.username", postgres.user());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        return config;
    }

    /** One Infinispan per test JVM: Quarkus restarts the app per test profile, the server can stay. */
    private static synchronized InfinispanServer startInfinispan(ProjectLayout layout, Path work) {
        if (sharedInfinispan == null) {
            int port = Ports.freePort();
            InfinispanServer server = new InfinispanServer(layout, port, work.resolve("infinispan-" + port)).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-test-infinispan"));
            sharedInfinispan = server;
        }
        return sharedInfinispan;
    }

    /** The server the tests run against, for tests that stop or kill it. */
    public static InfinispanServer infinispan() {
        return sharedInfinispan;
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.dropDatabase(database);
            } finally {
                postgres.close();
            }
        }
    }
}
