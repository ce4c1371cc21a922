package io.manchete.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./manchete up}: starts every part of Manchete on this machine, loads the demo data when the
 * databases are empty, prints the gateway's URL and runs until Ctrl-C or SIGTERM, then stops all it
 * started.
 */
public final class Manchete {
    private static volatile boolean stopping;

    private Manchete() {
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = rest.isEmpty() ? "up" : rest.remove(0);
        if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
            usage();
            return;
        }
        if (!command.equals("up")) {
            System.err.println("unknown command: " + command);
            usage();
            System.exit(2);
        }
        ProjectLayout layout = ProjectLayout.locate();
        Suite.Options defaults = Suite.Options.localDefaults(layout);
        int gateway = defaults.gatewayPort();
        int page = defaults.pagePort();
        int content = defaults.contentPort();
        int comments = defaults.commentsPort();
        int infinispan = defaults.infinispanPort();
        DemoData.Size size = defaults.demoSize();
        try {
            for (int i = 0; i < rest.size(); i++) {
                String flag = rest.get(i);
                switch (flag) {
                    case "--gateway-port" -> gateway = Integer.parseInt(rest.get(++i));
                    case "--page-port" -> page = Integer.parseInt(rest.get(++i));
                    case "--content-port" -> content = Integer.parseInt(rest.get(++i));
                    case "--comments-port" -> comments = Integer.parseInt(rest.get(++i));
                    case "--infinispan-port" -> infinispan = Integer.parseInt(rest.get(++i));
                    case "--articles" -> size = new DemoData.Size(Integer.parseInt(rest.get(++i)), size.comments(), size.seed());
                    case "--comments" -> size = new DemoData.Size(size.articles(), Integer.parseInt(rest.get(++i)), size.seed());
                    case "--seed" -> size = new DemoData.Size(size.articles(), size.comments(), Long.parseLong(rest.get(++i)));
                    case "--no-demo-data" -> size = new DemoData.Size(0, 0, size.seed());
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("manchete: " + e.getMessage());
            usage();
            System.exit(2);
        }
        Suite.Options options = new Suite.Options(gateway, page, content, comments, infinispan, "", size,
                defaults.stateDir(), defaults.overrides(), defaults.jvmOptions());
        Progress progress = new Progress(System.out);
        Suite suite = new Suite(layout, options, progress);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            progress.step("manchete", "stopping everything …");
            suite.close();
            progress.step("manchete", "stopped");
        }, "manchete-stop"));
        try {
            suite.start();
        } catch (RuntimeException e) {
            System.err.println("\nmanchete: could not start: " + e.getMessage());
            System.exit(1);
        }
        System.out.printf(Locale.ROOT, "%nManchete is up: %s/%n  page %s  content %s  comments %s  infinispan %s%n"
                        + "  logs under %s%nPress Ctrl-C to stop.%n",
                suite.gatewayUrl(), suite.service("page").baseUrl(), suite.service("content").baseUrl(),
                suite.service("comments").baseUrl(), suite.infinispan().hosts(), defaults.stateDir());
        watch(suite, progress);
    }

    /** Reports a part that dies; runs until the JVM is asked to stop. */
    private static void watch(Suite suite, Progress progress) {
        List<String> reported = new ArrayList<>();
        while (!stopping) {
            for (String name : List.of("gateway", "page", "content", "comments")) {
                ManagedProcess p = suite.process(name);
                if (p != null && !p.alive() && !stopping && !reported.contains(name)) {
                    reported.add(name);
                    progress.step(name, "exited unexpectedly; see " + p.log());
                }
            }
            ManagedProcess.sleep(1_000);
        }
    }

    private static void usage() {
        System.out.println("""
                usage: ./manchete up [options]
                  --gateway-port N     (8080)    --page-port N      (8081)
                  --content-port N     (8082)    --comments-port N  (8083)
                  --infinispan-port N  (11222)
                  --articles N         demo articles when the databases are empty (10000)
                  --comments N         demo comments (200000)
                  --seed N             demo data seed (42)
                  --no-demo-data       load nothing
                environment: MANCHETE_PG_HOST/PORT/USER (127.0.0.1/5432/postgres), MANCHETE_PG_EMBEDDED=true,
                             MANCHETE_JAVA_OPTS (JVM options for the services)""");
    }
}
