package io.manchete.comments.domain;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Renders the comments fragment with Qute (HTML templates escape every value). The first page
 * (heading and list) does not depend on the section and is what the cache keeps per article; the
 * form around it is added per request.
 */
@ApplicationScoped
public class FragmentRenderer {
    private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    @CheckedTemplate(basePath = "comments")
    static class Templates {
        static native TemplateInstance firstPage(long count, List<CommentView> comments);

        static native TemplateInstance fragment(RawString firstPage, String section, String slug);
    }

    /** One comment as the template shows it. */
    public record CommentView(long id, String author, String body, String datetime, String display) {
    }

    public String firstPage(long count, List<Comment> comments) {
        List<CommentView> views = comments.stream()
                .map(c -> new CommentView(c.id, c.author, c.body,
                        c.createdAt.truncatedTo(ChronoUnit.SECONDS).toString(), DISPLAY.format(c.createdAt)))
                .toList();
        return Templates.firstPage(count, views).render();
    }

    public String fragment(String firstPage, String section, String slug) {
        return Templates.fragment(new RawString(firstPage), section, slug).render();
    }
}
