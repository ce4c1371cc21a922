package io.manchete.gateway.contract;

import au.com.dius.pact.core.model.DefaultPactWriter;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.RequestResponsePact;
import io.manchete.launcher.ProjectLayout;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The drift check. Each service verifies the copy of its pact under
 * {@code <service>/src/test/resources/pacts/gateway-<service>.json} (so its build needs nothing of the
 * gateway's); the gateway's build fails when the pact its consumer test just generated differs from
 * that copy. Compared as JSON, per interaction (by description), without {@code metadata} (Pact's own
 * version): key order and formatting don't count, a changed matcher, header, status, state or example
 * does.
 *
 * <p>{@code -Dmanchete.pacts.publish=true} writes the generated pacts over the copies instead (see
 * docs/contracts.md, "Contract tests").
 */
final class PublishedPacts {
    static final String PUBLISH = "manchete.pacts.publish";

    private PublishedPacts() {
    }

    static void check(RequestResponsePact pact) {
        String provider = pact.getProvider().getName();
        String fileName = pact.getConsumer().getName() + "-" + provider + ".json";
        String generated = json(pact);
        write(Path.of("target", "pacts", fileName), generated);
        Path published = root().resolve(provider).resolve("src/test/resources/pacts").resolve(fileName);
        if (Boolean.getBoolean(PUBLISH)) {
            write(published, generated);
            return;
        }
        if (!Files.isRegularFile(published)) {
            fail("no published pact " + published + ": run " + command() + " and commit it");
        }
        List<String> differences = differences(read(published), generated);
        if (!differences.isEmpty()) {
            fail("the gateway's pact with " + provider + " differs from the copy " + provider + " verifies ("
                    + published + "):\n  " + String.join("\n  ", differences) + "\nIf the change is intended, run "
                    + command() + ", then " + provider + "'s own build (./mvnw -B -ntp -pl " + provider
                    + " verify) must pass with the new copy before both are committed.");
        }
    }

    static String command() {
        return "./mvnw -B -ntp -pl gateway verify -Dtest=GatewayContractTest -D" + PUBLISH + "=true";
    }

    static String json(RequestResponsePact pact) {
        StringWriter out = new StringWriter();
        try (PrintWriter writer = new PrintWriter(out)) {
            DefaultPactWriter.INSTANCE.writePact(pact, writer, PactSpecVersion.V3);
        }
        return out.toString();
    }

    /** What differs between two pact documents, interaction by interaction; empty when they agree. */
    static List<String> differences(String publishedJson, String generatedJson) {
        JsonObject published = new JsonObject(publishedJson);
        JsonObject generated = new JsonObject(generatedJson);
        List<String> differences = new ArrayList<>();
        for (String party : List.of("consumer", "provider")) {
            if (!published.getValue(party).equals(generated.getValue(party))) {
                differences.add(party + ": " + published.getValue(party) + " → " + generated.getValue(party));
            }
        }
        Map<String, JsonObject> before = byDescription(published.getJsonArray("interactions", new JsonArray()));
        Map<String, JsonObject> after = byDescription(generated.getJsonArray("interactions", new JsonArray()));
        for (Map.Entry<String, JsonObject> interaction : after.entrySet()) {
            JsonObject old = before.get(interaction.getKey());
            if (old == null) {
                differences.add("new interaction: " + interaction.getKey());
            } else if (!old.equals(interaction.getValue())) {
                differences.add("changed interaction: " + interaction.getKey() + "\n    published: " + old.encode()
                        + "\n    generated: " + interaction.getValue().encode());
            }
        }
        for (String description : before.keySet()) {
            if (!after.containsKey(description)) {
                differences.add("interaction no longer made: " + description);
            }
        }
        return differences;
    }

    private static Map<String, JsonObject> byDescription(JsonArray interactions) {
        Map<String, JsonObject> map = new TreeMap<>();
        for (int i = 0; i < interactions.size(); i++) {
            JsonObject interaction = interactions.getJsonObject(i);
            map.put(interaction.getString("description"), interaction);
        }
        return map;
    }

    private static Path root() {
        String root = System.getProperty("manchete.root");
        return root != null && !root.isBlank() ? Path.of(root) : ProjectLayout.locate().root();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String json) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
