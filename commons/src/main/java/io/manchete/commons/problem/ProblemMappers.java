package io.manchete.commons.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error leaves a service as {@code application/problem+json} (RFC 9457) with a message a
 * client can act on; nothing ever shows a stack trace. Unexpected failures are logged with an id
 * that the response repeats.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = respond(e.problem(), uri);
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException m ? fieldPath(m) : "";
        String message = e.getOriginalMessage() == null ? "unreadable JSON" : firstLine(e.getOriginalMessage());
        Problem problem = field.isEmpty()
                ? new Problem("about:blank", "Bad Request", 400, "malformed JSON: " + message, null, List.of())
                : new Problem("about:blank", "Bad Request", 400, "invalid value for field '" + field + "': " + message, null,
                        List.of(new Problem.FieldError(field, message)));
        return respond(problem, uri).build();
    }

    /**
     * quarkus-rest-jackson ships its own mapper for {@link MismatchedInputException} (a JSON value of
     * the wrong type or shape for a field) that answers plain JSON; being a closer match than
     * {@link #malformedJson} it would win. This sends that case through {@link #malformedJson} too, so
     * it is problem+json naming the field.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(leaf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; "));
        int status = errors.stream().anyMatch(f -> f.message().contains("too large")) ? 413 : 400;
        return respond(new Problem("about:blank", status == 413 ? "Content Too Large" : "Bad Request", status, detail, null, errors), uri).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = status >= 500 ? "the server could not complete the request" : safeMessage(e.getMessage(), title);
        Response.ResponseBuilder builder = respond(Problem.of(status, title, detail), uri);
        if (original != null) {
            original.getStringHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                    values.forEach(v -> builder.header(name, v));
                }
            });
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String id = Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 10);
        LOG.errorf(e, "unexpected error %s on %s", id, uri == null ? "?" : uri.getPath());
        return respond(Problem.of(500, "Internal Server Error", "unexpected error, reference " + id), uri).build();
    }

    static Response.ResponseBuilder respond(Problem problem, UriInfo uri) {
        Problem body = uri == null ? problem : problem.withInstance(uri.getPath());
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body);
    }

    static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String leaf(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String firstLine(String message) {
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private static String safeMessage(String message, String fallback) {
        if (message == null || message.isBlank() || message.startsWith("HTTP ")) {
            return fallback;
        }
        return firstLine(message);
    }
}
