package io.manchete.content.api;

import io.manchete.content.domain.Slugs;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/articles}: a new draft. */
public class NewArticle {
    /** Longest article body, in characters (the request as a whole is capped at the same number of bytes). */
    public static final int BODY_MAX = 200 * 1024;

    @NotNull
    @Size(max = Slugs.SLUG_MAX)
    @Pattern(regexp = Slugs.REGEX, message = "must be lower-case words joined by single hyphens")
    public String slug;

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
    @Size(max = BODY_MAX, message = "too large: at most {max} characters")
    public String body;

    @NotBlank
    @Size(max = 120)
    public String author;
}
