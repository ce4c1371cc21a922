package io.manchete.gateway.page;

/** HTML text escaping for the few strings the gateway itself puts into a page. */
public final class Html {
    private Html() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < text.length(); i++) {
            String replacement;
            switch (text.charAt(i)) {
                case '&':
                    replacement = "&amp;";
                    break;
                case '<':
                    replacement = "&lt;";
                    break;
                case '>':
                    replacement = "&gt;";
                    break;
                case '"':
                    replacement = "&quot;";
                    break;
                case '\'':
                    replacement = "&#39;";
                    break;
                default:
                    continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16);
            }
            out.append(text, copied, i).append(replacement);
            copied = i + 1;
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }
}
