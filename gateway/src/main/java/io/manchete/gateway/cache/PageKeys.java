package io.manchete.gateway.cache;

import io.manchete.gateway.config.GatewayConfig;
import io.manchete.gateway.page.PageRoute;
import io.vertx.core.MultiMap;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The page cache key: {@code page1 <route> <path>[?<query>][ <header>=<value>…]}.
 *
 * <ul>
 * <li>{@code <path>} is rebuilt from the validated route parameters ({@code /}, {@code /world},
 * {@code /world/my-story}), so spellings of one page share an entry.</li>
 * <li>{@code <query>}: the raw parameters minus the tracking ones ({@code utm_*}, {@code fbclid},
 * … — {@code manchete.page-cache.tracking-parameters}), sorted by name; parameters with the same
 * name keep their order (it may matter), values are kept as sent.</li>
 * <li>Then, for each header in {@code manchete.page-cache.key-headers} (none by default), its name
 * and trimmed value — the place for a header that changes the page (language, device class).</li>
 * </ul>
 * No part contains a space (paths and queries are percent-encoded, header values have their spaces
 * encoded), so the parts cannot run into each other.
 */
@Singleton
public class PageKeys {
    static final String VERSION = "page1";

    private final String[] exact;
    private final String[] prefixes;
    private final String[] keyHeaders;

    @Inject
    public PageKeys(GatewayConfig config) {
        this(config.pageCache().trackingParameters(), config.pageCache().keyHeaders().orElse(List.of()));
    }

    public PageKeys(List<String> trackingParameters, List<String> keyHeaders) {
        List<String> exactNames = new ArrayList<>();
        List<String> prefixNames = new ArrayList<>();
        for (String name : trackingParameters) {
            String trimmed = name.strip().toLowerCase(Locale.ROOT);
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("*")) {
                prefixNames.add(trimmed.substring(0, trimmed.length() - 1));
            } else {
                exactNames.add(trimmed);
            }
        }
        this.exact = exactNames.toArray(new String[0]);
        this.prefixes = prefixNames.toArray(new String[0]);
        this.keyHeaders = keyHeaders.stream().map(String::strip).filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /** The key of a page request; {@code section}/{@code slug} must already be validated. */
    public String key(PageRoute route, String section, String slug, String rawQuery, MultiMap headers) {
        StringBuilder key = new StringBuilder(64).append(VERSION).append(' ').append(route.tag()).append(' ');
        key.append('/');
        if (section != null) {
            key.append(section);
            if (slug != null) {
                key.append('/').append(slug);
            }
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            String query = normaliseQuery(rawQuery);
            if (!query.isEmpty()) {
                key.append('?').append(query);
            }
        }
        for (String header : keyHeaders) {
            String value = headers == null ? null : headers.get(header);
            key.append(' ').append(header).append('=');
            if (value != null) {
                appendWithoutSpaces(key, value.strip());
            }
        }
        return key.toString();
    }

    /** The query without tracking parameters and empty pieces, sorted by name (stable). */
    String normaliseQuery(String rawQuery) {
        String[] pieces = rawQuery.split("&");
        List<String[]> kept = new ArrayList<>(pieces.length);
        for (String piece : pieces) {
            if (piece.isEmpty()) {
                continue;
            }
            int equals = piece.indexOf('=');
            String rawName = equals < 0 ? piece : piece.substring(0, equals);
            String name = decode(rawName).toLowerCase(Locale.ROOT);
            if (name.isEmpty() || isTracking(name)) {
                continue;
            }
            kept.add(new String[] {name, piece});
        }
        if (kept.isEmpty()) {
            return "";
        }
        kept.sort(Comparator.comparing(pair -> pair[0])); // List.sort is stable
        StringBuilder query = new StringBuilder(rawQuery.length());
        for (String[] pair : kept) {
            if (query.length() > 0) {
                query.append('&');
            }
            appendWithoutSpaces(query, pair[1]);
        }
        return query.toString();
    }

    boolean isTracking(String lowerCaseName) {
        for (String name : exact) {
            if (name.equals(lowerCaseName)) {
                return true;
            }
        }
        for (String prefix : prefixes) {
            if (lowerCaseName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    private static void appendWithoutSpaces(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ') {
                out.append("%20");
            } else if (c < 0x20 || c == 0x7f) {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
    }

    @Override
    public String toString() {
        return "PageKeys{tracking=" + Arrays.toString(exact) + " prefixes=" + Arrays.toString(prefixes) + " headers="
                + Arrays.toString(keyHeaders) + "}";
    }
}
