package io.manchete.content.render;

/**
 * A rendered fragment as it is cached in {@code content-fragments} (serialised as JSON) and answered:
 * markup, the {@code Surrogate-Key} tags, the optional page title and the strong entity tag.
 */
public record Fragment(String html, String tags, String title, String etag) {
}
