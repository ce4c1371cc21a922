package io.manchete.gateway.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drift check compares meaning, not text. */
class PublishedPactsTest {
    private static final String PACT = PublishedPacts.json(GatewayPacts.contentService());

    @Test
    void formattingKeyOrderAndPactVersionDoNotCount() {
        JsonObject published = new JsonObject(PACT);
        published.put("metadata", new JsonObject().put("pact-jvm", new JsonObject().put("version", "4.0.0")));
        JsonArray reversed = new JsonArray();
        JsonArray interactions = published.getJsonArray("interactions");
        for (int i = interactions.size() - 1; i >= 0; i--) {
            reversed.add(interactions.getJsonObject(i));
        }
        published.put("interactions", reversed);
        assertEquals(List.of(), PublishedPacts.differences(published.encode(), PACT));
    }

    @Test
    void aChangedMatcherStatusOrStateIsADifference() {
        String changedRegex = PACT.replace("article:[a-z0-9]+(-[a-z0-9]+)*", "article:.*");
        List<String> differences = PublishedPacts.differences(changedRegex, PACT);
        assertEquals(2, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("changed interaction: the article fragment of a published article"),
                differences.toString());

        JsonObject published = new JsonObject(PACT);
        published.getJsonArray("interactions").getJsonObject(1).getJsonObject("response").put("status", 410);
        assertEquals(1, PublishedPacts.differences(published.encode(), PACT).size());

        published = new JsonObject(PACT);
        published.getJsonArray("interactions").getJsonObject(0).put("providerStates", new JsonArray());
        assertEquals(1, PublishedPacts.differences(published.encode(), PACT).size());
    }

    @Test
    void anInteractionAddedOrDroppedIsADifference() {
        JsonObject published = new JsonObject(PACT);
        JsonObject dropped = (JsonObject) published.getJsonArray("interactions").remove(0);
        assertEquals(List.of("new interaction: " + dropped.getString("description")),
                PublishedPacts.differences(published.encode(), PACT));
        assertEquals(List.of("interaction no longer made: " + dropped.getString("description")),
                PublishedPacts.differences(PACT, published.encode()));
    }
}
