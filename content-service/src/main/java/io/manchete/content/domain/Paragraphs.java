package io.manchete.content.domain;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** An article body is plain text; paragraphs are separated by a blank line (whitespace only counts as blank). */
public final class Paragraphs {
    private static final Pattern BLANK_LINE = Pattern.compile("\\n[ \\t\\x0B\\f]*\\n\\s*");

    private Paragraphs() {
    }

    public static List<String> split(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        String normalised = body.replace("\r\n", "\n").replace('\r', '\n');
        return Arrays.stream(BLANK_LINE.split(normalised))
                .map(String::strip)
                .filter(p -> !p.isEmpty())
                .toList();
    }
}
