package io.manchete.content.render;

/** One teaser: links to {@code /{section}/{slug}}. */
public record TeaserView(String slug, String section, String title, String summary) {
}
