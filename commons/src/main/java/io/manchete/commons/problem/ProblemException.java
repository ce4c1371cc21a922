package io.manchete.commons.problem;

import java.util.List;
import java.util.Map;

/**
 * Thrown (or failed with) by resources and services to answer a problem: the mapper turns it into
 * {@code application/problem+json} with the given status and headers (e.g. {@code Retry-After}).
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, List.of(), Map.of());
    }

    public ProblemException(int status, String title, String detail, List<Problem.FieldError> errors, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public static ProblemException badRequest(String field, String message) {
        return new ProblemException(400, "Bad Request", field + ": " + message,
                List.of(new Problem.FieldError(field, message)), Map.of());
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "Service Unavailable", detail, List.of(),
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public Problem problem() {
        return new Problem("about:blank", title, status, getMessage(), null, errors);
    }

    public Map<String, String> headers() {
        return headers;
    }
}
