package io.manchete.content.api;

import io.manchete.content.domain.Slugs;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code PUT /api/v1/articles/{slug}}: the whole editable content, and optionally the version the
 * editor started from (checked like {@code If-Match}, but answered with 409).
 */
public class ArticleUpdate {
    @NotNull
    @Size(max = Slugs.SECTION_MAX)
    @Pattern(regexp = Slugs.REGEX, message = "must be lower-case words joined by single hyphens")
    public String section;

    @NotBlank
    @Size(max = 300)
    public String title;

    @NotNull
    @Size(max = 1000)
    public String summary;

    @NotBlank
    @Size(max = NewArticle.BODY_MAX, message = "too large: at most {max} characters")
    public String body;

    @NotBlank
    @Size(max = 120)
    public String author;

    public Integer version;
}
