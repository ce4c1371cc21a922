package io.manchete.launcher.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough JSON for the bench: writing maps, lists, strings and numbers; reading a flat object of numbers. */
public final class Json {
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"([A-Za-z0-9_]+)\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");

    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    /** The numeric fields of a flat JSON object, e.g. the line wrk's done() prints. */
    static Map<String, Double> numbers(String json) {
        Map<String, Double> values = new LinkedHashMap<>();
        Matcher m = NUMBER_FIELD.matcher(json);
        while (m.find()) {
            values.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return values;
    }

    /** {@code s} as a JSON string literal. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            out.append(quote(s));
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append(d.longValue());
            } else {
                // 0.99999 rounds to "1.0000": strip the zeros, then a bare point ("1." is not JSON)
                out.append(String.format(Locale.ROOT, "%.4f", d).replaceAll("\\.?0+$", ""));
            }
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                pad(out, indent + 1).append(quote(String.valueOf(e.getKey()))).append(": ");
                write(out, e.getValue(), indent + 1);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            pad(out, indent).append('}');
        } else if (value instanceof Collection<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            int i = 0;
            for (Object item : list) {
                pad(out, indent + 1);
                write(out, item, indent + 1);
                out.append(++i < list.size() ? ",\n" : "\n");
            }
            pad(out, indent).append(']');
        } else {
            out.append(quote(value.toString()));
        }
    }

    private static StringBuilder pad(StringBuilder out, int indent) {
        return out.append("  ".repeat(indent));
    }
}
