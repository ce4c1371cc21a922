package io.manchete.pages.api;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.manchete.commons.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * quarkus-rest-jackson ships its own mapper for {@link MismatchedInputException} (a JSON value of the
 * wrong shape, e.g. a string where a list belongs), and being the closer match it wins over the
 * commons mapper for {@code JsonProcessingException}: its answer is plain JSON, not problem+json.
 * This sends that case back through the commons mapper, which names the field.
 */
public class JsonProblems {
    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return problems.malformedJson(e, uri);
    }
}
