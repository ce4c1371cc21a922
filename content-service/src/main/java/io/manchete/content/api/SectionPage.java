package io.manchete.content.api;

import java.util.List;

/** A page of a section's published articles, newest first. */
public record SectionPage(String section, int page, int size, List<TeaserJson> items) {
}
