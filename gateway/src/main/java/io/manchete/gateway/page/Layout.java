package io.manchete.gateway.page;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** A page layout from page-service (see docs/contracts.md, "Layout JSON"). */
public record Layout(String route, String section, String title, String template, List<Slot> slots, int maxAge,
                     List<String> tags) {

    public record Slot(String name, String service, String path, boolean primary) {
    }

    /** Parses the layout JSON; throws {@link IllegalArgumentException} when it is not usable. */
    public static Layout fromJson(String json) {
        JsonObject object;
        try {
            object = new JsonObject(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("layout is not a JSON object", e);
        }
        try {
            String template = object.getString("template");
            if (template == null) {
                throw new IllegalArgumentException("layout has no template");
            }
            JsonArray slotArray = object.getJsonArray("slots", new JsonArray());
            List<Slot> slots = new ArrayList<>(slotArray.size());
            for (int i = 0; i < slotArray.size(); i++) {
                JsonObject slot = slotArray.getJsonObject(i);
                String name = slot.getString("name");
                String path = slot.getString("path");
                if (name == null || name.isEmpty() || path == null || !path.startsWith("/")) {
                    throw new IllegalArgumentException("layout slot " + i + " has no name or path");
                }
                slots.add(new Slot(name, slot.getString("service"), path, slot.getBoolean("primary", false)));
            }
            JsonArray tagArray = object.getJsonArray("tags", new JsonArray());
            List<String> tags = new ArrayList<>(tagArray.size());
            for (int i = 0; i < tagArray.size(); i++) {
                tags.add(tagArray.getString(i));
            }
            Integer maxAge = object.getInteger("maxAge");
            return new Layout(object.getString("route"), object.getString("section"), object.getString("title", ""),
                    template, List.copyOf(slots), maxAge == null ? 0 : Math.max(0, maxAge), List.copyOf(tags));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("layout has a field of the wrong type", e);
        }
    }
}
