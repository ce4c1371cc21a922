package io.manchete.pages.domain;

/** A section in the navigation, in menu order. */
public record NavItem(String slug, String name) {
}
