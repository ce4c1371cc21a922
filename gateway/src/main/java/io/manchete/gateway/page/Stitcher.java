package io.manchete.gateway.page;

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
        int marker = template.indexOf(MARKER);
        while (marker >= 0) {
            int nameStart = marker + MARKER.length();
            int end = template.indexOf(END, nameStart);
            if (end < 0) {
                break;
            }
            String replacement = null;
            if (template.startsWith(SLOT, nameStart)) {
                replacement = slots.get(template.substring(nameStart + SLOT.length(), end));
            } else if (end - nameStart == TITLE.length() && template.startsWith(TITLE, nameStart)) {
                replacement = titleHtml;
            }
            if (replacement != null) {
                out.append(template, copied, marker).append(replacement);
                copied = end + END.length();
            }
            marker = template.indexOf(MARKER, end + END.length());
        }
        return out.append(template, copied, template.length()).toString();
    }
}
