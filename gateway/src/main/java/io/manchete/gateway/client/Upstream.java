package io.manchete.gateway.client;

/** The three services behind the gateway, named as the layout JSON names them ({@code slot.service}). */
public enum Upstream {
    PAGE("page"), CONTENT("content"), COMMENTS("comments");

    private final String serviceName;

    Upstream(String serviceName) {
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }

    /** The upstream a layout slot names, or {@code null} if the name is unknown. */
    public static Upstream byServiceName(String name) {
        if (name == null) {
            return null;
        }
        switch (name) {
            case "page":
                return PAGE;
            case "content":
                return CONTENT;
            case "comments":
                return COMMENTS;
            default:
                return null;
        }
    }
}
