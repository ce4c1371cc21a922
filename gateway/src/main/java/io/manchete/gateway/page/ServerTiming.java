package io.manchete.gateway.page;

/** Builds a {@code Server-Timing} header: {@code layout;dur=3.1, frag-main;dur=12.0;desc="content"}. */
public final class ServerTiming {
    private final StringBuilder value = new StringBuilder(128);

    public ServerTiming add(String name, long nanos, String description) {
        if (value.length() > 0) {
            value.append(", ");
        }
        appendToken(name);
        value.append(";dur=");
        long tenthsOfMillis = Math.max(0, (nanos + 50_000) / 100_000);
        value.append(tenthsOfMillis / 10).append('.').append(tenthsOfMillis % 10);
        if (description != null) {
            value.append(";desc=\"");
            for (int i = 0; i < description.length(); i++) {
                char c = description.charAt(i);
                if (c == '"' || c == '\\') {
                    value.append('\\');
                }
                if (c >= 0x20 && c < 0x7f) {
                    value.append(c);
                }
            }
            value.append('"');
        }
        return this;
    }

    /** Metric names are tokens: anything else becomes '_'. */
    private void appendToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            value.append(token ? c : '_');
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
