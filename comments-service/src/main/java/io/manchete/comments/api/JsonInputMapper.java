package io.manchete.comments.api;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.manchete.commons.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * quarkus-rest-jackson maps {@link MismatchedInputException} itself (a closer match than the
 * commons mapper's {@code JsonProcessingException}); this hands it back to the commons problem
 * mapping so a wrong JSON type names its field.
 */
public class JsonInputMapper {
    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return problems.malformedJson(e, uri);
    }
}
