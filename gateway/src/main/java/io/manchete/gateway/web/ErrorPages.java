package io.manchete.gateway.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The gateway's own HTML error pages (one Qute template; text is escaped by Qute). */
@ApplicationScoped
public class ErrorPages {
    private static final Logger LOG = Logger.getLogger(ErrorPages.class);
    /** Used only if the template itself cannot be rendered: an error page must never fail. */
    static final String FALLBACK = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title>Manchete</title></head><body><main class=\"error-page\"><h1>Sorry</h1>"
            + "<p>This page cannot be shown right now.</p><p><a class=\"home\" href=\"/\">Go to the home page</a></p>"
            + "</main></body></html>";

    private final Template template;

    public ErrorPages(@Location("error.html") Template template) {
        this.template = template;
    }

    /** The page for {@code status}; never throws. */
    public Buffer render(int status, String message, String back, String backLabel) {
        try {
            return Buffer.buffer(renderTemplate(status, message, back, backLabel));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Error page %d could not be rendered", status);
            return Buffer.buffer(FALLBACK);
        }
    }

    private String renderTemplate(int status, String message, String back, String backLabel) {
        return template
                .data("status", status)
                .data("heading", heading(status))
                .data("message", message != null ? message : defaultMessage(status))
                .data("back", back)
                .data("backLabel", backLabel != null ? backLabel : "Back")
                .render();
    }

    static String heading(int status) {
        switch (status) {
            case 400:
                return "That did not work";
            case 404:
            case 410:
                return "Page not found";
            case 405:
                return "Method not allowed";
            case 413:
                return "Too long";
            case 503:
                return "Temporarily unavailable";
            default:
                return "Something went wrong";
        }
    }

    static String defaultMessage(int status) {
        switch (status) {
            case 400:
                return "The request could not be understood.";
            case 404:
                return "There is no page at this address.";
            case 410:
                return "This page has been removed.";
            case 405:
                return "This address does not accept that kind of request.";
            case 413:
                return "What you sent is too long.";
            case 503:
                return "This page cannot be shown right now. Please try again in a few seconds.";
            default:
                return "Something went wrong on our side. Please try again later.";
        }
    }
}
