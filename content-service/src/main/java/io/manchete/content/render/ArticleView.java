package io.manchete.content.render;

import java.util.List;

/** What the article fragment shows: text is raw here, the template escapes it. */
public record ArticleView(String slug, String section, String title, String summary, String author,
        String publishedIso, String publishedText, List<String> paragraphs) {
}
