package io.manchete.content.render;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

import java.util.List;

/** Type-safe Qute templates under {@code templates/fragments/}; HTML-escaped by their {@code .html} suffix. */
@CheckedTemplate(basePath = "fragments")
public final class Templates {
    private Templates() {
    }

    public static native TemplateInstance article(ArticleView article);

    public static native TemplateInstance teasers(String heading, List<TeaserView> items);

    public static native TemplateInstance missing(String what);
}
