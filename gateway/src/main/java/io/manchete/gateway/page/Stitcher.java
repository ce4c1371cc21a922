package io.manchete.gateway.page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts fragments into a layout template in one pass: each {@code <!--manchete:slot:NAME-->} becomes
 * the slot's HTML, {@code <!--manchete:title-->} the (already escaped) title. A marker for a slot
 * without HTML, and any other comment, stays as it is.
 */
public final class Stitcher {
    static final String MARKER = "<!--manchete:";
    static final String SLOT = "slot:";
    static final String TITLE = "title";
    static final String END = "-->";

    private Stitcher() {
    }

    public static String stitch(String template, Map<String, String> slots, String titleHtml) {
        int capacity = template.length() + (titleHtml == null ? 0 : titleHtml.length());
        for (String html : slots.values()) {
            capacity += html.length();
        }
        StringBuilder out = new StringBuilder(capacity);
        int copied = 0;
        for (Marker marker = Marker.next(template, 0); marker != null; marker = Marker.next(template, marker.end())) {
            String replacement = marker.slot() != null ? slots.get(marker.slot()) : titleHtml;
            if (replacement != null) {
                out.append(template, copied, marker.start()).append(replacement);
                copied = marker.end();
            }
        }
        return out.append(template, copied, template.length()).toString();
    }

    /**
     * A stretch of a template: literal {@code text}, a slot marker ({@code slot} is its name, {@code text}
     * the marker itself) or the title marker ({@code title}).
     */
    record Piece(String text, String slot, boolean title) {
    }

    /** The template cut into literal text and markers, in order (for writing a page piece by piece). */
    static List<Piece> pieces(String template) {
        List<Piece> pieces = new ArrayList<>();
        int copied = 0;
        for (Marker marker = Marker.next(template, 0); marker != null; marker = Marker.next(template, marker.end())) {
            if (marker.start() > copied) {
                pieces.add(new Piece(template.substring(copied, marker.start()), null, false));
            }
            pieces.add(new Piece(template.substring(marker.start(), marker.end()), marker.slot(), marker.slot() == null));
            copied = marker.end();
        }
        if (copied < template.length()) {
            pieces.add(new Piece(template.substring(copied), null, false));
        }
        return pieces;
    }

    /**
     * A slot marker ({@code slot}: its name) or the title marker ({@code slot} null) from {@code start}
     * up to {@code end} (exclusive). Other {@code <!--manchete:…-->} comments are skipped.
     */
    private record Marker(int start, int end, String slot) {

        static Marker next(String template, int from) {
            int marker = template.indexOf(MARKER, from);
            while (marker >= 0) {
                int nameStart = marker + MARKER.length();
                int end = template.indexOf(END, nameStart);
                if (end < 0) {
                    return null;
                }
                if (template.startsWith(SLOT, nameStart)) {
                    return new Marker(marker, end + END.length(), template.substring(nameStart + SLOT.length(), end));
                }
                if (end - nameStart == TITLE.length() && template.startsWith(TITLE, nameStart)) {
                    return new Marker(marker, end + END.length(), null);
                }
                marker = template.indexOf(MARKER, end + END.length());
            }
            return null;
        }
    }
}
