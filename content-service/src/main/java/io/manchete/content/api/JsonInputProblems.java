package io.manchete.content.api;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.manchete.commons.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * quarkus-rest-jackson ships a mapper for {@link MismatchedInputException} (a wrong type for a field)
 * that answers plain JSON; being more specific than the commons mapper's
 * {@code JsonProcessingException} it would win. This hands those to the commons mapper, so they are
 * problem+json naming the field too.
 */
public class JsonInputProblems {
    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return problems.malformedJson(e, uri);
    }
}
