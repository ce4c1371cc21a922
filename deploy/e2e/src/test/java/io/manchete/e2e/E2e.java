package io.manchete.e2e;

import io.manchete.launcher.DemoData;
import io.manchete.launcher.ProjectLayout;
import io.manchete.launcher.Progress;
import io.manchete.launcher.Suite;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** What the end-to-end tests share: a suite of real processes on the small demo data, and its teardown. */
final class E2e {
    /** A reader's client: no redirects followed (the tests look at them). */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private E2e() {
    }

    /** A database prefix of its own per test class and run, e.g. {@code e2e_1a2b3c4d}. */
    static String prefix(String head) {
        return head + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /** A suite (not started yet) on the small demo data, its state under {@code target/<dir>}. */
    static Suite suite(String dir, String prefix, Map<String, Map<String, String>> overrides) {
        return new Suite(ProjectLayout.locate(),
                Suite.Options.forTests(Path.of("target", dir).toAbsolutePath(), prefix, DemoData.Size.small())
                        .withOverrides(overrides),
                new Progress(System.out));
    }

    /** Starts {@code suite}; if that fails, stops what did start and rethrows. */
    static Suite start(Suite suite) {
        try {
            return suite.start();
        } catch (RuntimeException e) {
            suite.close();
            throw e;
        }
    }

    /** Drops the suite's databases and stops its processes (null: nothing started). */
    static void stop(Suite suite) {
        if (suite == null) {
            return;
        }
        try {
            suite.dropDatabases();
        } finally {
            suite.close();
        }
    }
}
