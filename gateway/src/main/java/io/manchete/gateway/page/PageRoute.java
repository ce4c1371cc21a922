package io.manchete.gateway.page;

/** The three kinds of page and where their layouts live on page-service. */
public enum PageRoute {
    HOME("home"), SECTION("section"), ARTICLE("article");

    private final String tag;

    PageRoute(String tag) {
        this.tag = tag;
    }

    /** The route's name in metrics. */
    public String tag() {
        return tag;
    }

    public String layoutPath(String section) {
        switch (this) {
            case HOME:
                return "/api/v1/layouts/home";
            case SECTION:
                return "/api/v1/layouts/section/" + SlotPaths.encode(section);
            default:
                return "/api/v1/layouts/article/" + SlotPaths.encode(section);
        }
    }
}
