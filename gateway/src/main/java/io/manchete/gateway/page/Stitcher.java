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
        for (Piece piece : pieces(template)) {
            String replacement = piece.slot() != null ? slots.get(piece.slot()) : piece.title() ? titleHtml : null;
            out.append(replacement != null ? replacement : piece.text());
        }
        return out.toString();
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
        int marker = template.indexOf(MARKER);
        while (marker >= 0) {
            int nameStart = marker + MARKER.length();
            int end = template.indexOf(END, nameStart);
            if (end < 0) {
                break;
            }
            Piece piece = null;
            if (template.startsWith(SLOT, nameStart)) {
                piece = new Piece(template.substring(marker, end + END.length()),
                        template.substring(nameStart + SLOT.length(), end), false);
            } else if (end - nameStart == TITLE.length() && template.startsWith(TITLE, nameStart)) {
                piece = new Piece(template.substring(marker, end + END.length()), null, true);
            }
            if (piece != null) {
                if (marker > copied) {
                    pieces.add(new Piece(template.substring(copied, marker), null, false));
                }
                pieces.add(piece);
                copied = end + END.length();
            }
            marker = template.indexOf(MARKER, end + END.length());
        }
        if (copied < template.length()) {
            pieces.add(new Piece(template.substring(copied), null, false));
        }
        return pieces;
    }
}
