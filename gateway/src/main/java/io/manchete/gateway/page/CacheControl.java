package io.manchete.gateway.page;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code Cache-Control} header (RFC 9111 §5.2): comma-separated directives, names
 * case-insensitive, values a token or a quoted-string (which may contain commas). The first
 * occurrence of a repeated directive wins.
 */
public final class CacheControl {
    public static final CacheControl EMPTY = new CacheControl(Collections.emptyMap());
    /** RFC 9111 §1.2.2: a delta-seconds too large is taken as 2^31. */
    static final long MAX_DELTA_SECONDS = 2147483648L;

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    public static CacheControl parse(String header) {
        if (header == null || header.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> directives = new LinkedHashMap<>(8);
        int length = header.length();
        int i = 0;
        while (i < length) {
            // skip separators and whitespace
            char c = header.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < length && !isDelimiter(header.charAt(i))) {
                i++;
            }
            String name = header.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < length && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            String value = null;
            if (i < length && header.charAt(i) == '=') {
                i++;
                while (i < length && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                    i++;
                }
                if (i < length && header.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    while (i < length && header.charAt(i) != '"') {
                        if (header.charAt(i) == '\\' && i + 1 < length) {
                            i++;
                        }
                        quoted.append(header.charAt(i));
                        i++;
                    }
                    i++; // closing quote (or past the end)
                    value = quoted.toString();
                } else {
                    int valueStart = i;
                    while (i < length && header.charAt(i) != ',' && header.charAt(i) != ' '
                            && header.charAt(i) != '\t') {
                        i++;
                    }
                    value = header.substring(valueStart, i);
                }
            }
            // anything else up to the next comma is garbage of this directive
            while (i < length && header.charAt(i) != ',') {
                i++;
            }
            if (!name.isEmpty()) {
                directives.putIfAbsent(name, value);
            }
        }
        return directives.isEmpty() ? EMPTY : new CacheControl(directives);
    }

    private static boolean isDelimiter(char c) {
        return c == '=' || c == ',' || c == ' ' || c == '\t';
    }

    public boolean has(String directive) {
        return directives.containsKey(directive.toLowerCase(Locale.ROOT));
    }

    /** The directive's argument, {@code null} if absent or given without one. */
    public String value(String directive) {
        return directives.get(directive.toLowerCase(Locale.ROOT));
    }

    /**
     * A delta-seconds directive: -1 if absent; 0 if present but not a valid number (RFC 9111 treats
     * an invalid freshness lifetime as stale); at most 2^31.
     */
    public long seconds(String directive) {
        String key = directive.toLowerCase(Locale.ROOT);
        if (!directives.containsKey(key)) {
            return -1;
        }
        String value = directives.get(key);
        if (value == null || value.isEmpty()) {
            return 0;
        }
        long seconds = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            seconds = seconds * 10 + (c - '0');
            if (seconds >= MAX_DELTA_SECONDS) {
                return MAX_DELTA_SECONDS;
            }
        }
        return seconds;
    }

    public long maxAge() {
        return seconds("max-age");
    }

    public boolean noStore() {
        return has("no-store");
    }

    public boolean noCache() {
        return has("no-cache");
    }

    public boolean isPrivate() {
        return has("private");
    }

    public boolean immutable() {
        return has("immutable");
    }

    /**
     * How long a shared cache (the gateway, a CDN) may keep the response: 0 for {@code no-store},
     * {@code no-cache} or {@code private}; else {@code s-maxage}, else {@code max-age}; else
     * {@code otherwise} (no freshness information).
     */
    public long sharedMaxAge(long otherwise) {
        if (noStore() || noCache() || isPrivate()) {
            return 0;
        }
        long shared = seconds("s-maxage");
        if (shared >= 0) {
            return shared;
        }
        long maxAge = maxAge();
        return maxAge >= 0 ? maxAge : otherwise;
    }

    public Map<String, String> directives() {
        return Collections.unmodifiableMap(directives);
    }

    @Override
    public String toString() {
        return directives.toString();
    }
}
