package io.manchete.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the checkout's root and the files the launcher needs inside it. */
public final class ProjectLayout {
    private final Path root;

    private ProjectLayout(Path root) {
        this.root = root;
    }

    /** The root named by {@code -Dmanchete.root}, else the first parent of the working directory holding {@code manchete}. */
    public static ProjectLayout locate() {
        String configured = System.getProperty("manchete.root");
        if (configured != null && !configured.isBlank()) {
            return new ProjectLayout(Path.of(configured).toAbsolutePath().normalize());
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("manchete")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return new ProjectLayout(dir);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the Manchete checkout: run from inside it or pass -Dmanchete.root=<dir>");
    }

    public Path root() {
        return root;
    }

    public Path infinispanClasspath() {
        return root.resolve("deploy/infinispan-server/target/lib");
    }

    public Path infinispanConf() {
        return root.resolve("deploy/infinispan-server/conf");
    }

    /** The runnable Quarkus application of a service module, e.g. {@code content-service}. */
    public Path serviceJar(String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** Where a local run keeps its state (server roots, logs). Ignored by git. */
    public Path stateDir() {
        return root.resolve(".manchete");
    }
}
