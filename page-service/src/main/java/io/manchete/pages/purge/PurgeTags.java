package io.manchete.pages.purge;

import java.util.List;

/**
 * The gateway cache tags page-service writes change (see {@code docs/contracts.md}). Every layout
 * carries {@code shell} (head with the hashed asset links, header with the navigation), the home
 * layout also {@code front:home}.
 */
public final class PurgeTags {
    /** Every page skeleton: assets, navigation, layouts. */
    public static final String SHELL = "shell";

    private PurgeTags() {
    }

    /** A front PUT: the layouts built from that front. */
    public static List<String> front(String name) {
        return List.of("front:" + name);
    }

    /** New content for an asset: a new hashed name in the head of every page. */
    public static List<String> asset() {
        return List.of(SHELL);
    }
}
