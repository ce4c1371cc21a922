package io.manchete.content.api;

import io.manchete.commons.problem.ProblemException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import java.util.List;
import java.util.Map;

/**
 * Runs before the body is read or validated: no bearer token → 401 with {@code WWW-Authenticate:
 * Bearer}, a wrong one → 403, a declared body over 200 KB → 413.
 */
@Provider
@EditorOnly
@Priority(Priorities.AUTHENTICATION)
public class EditorOnlyFilter implements ContainerRequestFilter {
    /** Largest request body a write accepts, in bytes. */
    public static final long MAX_REQUEST_BYTES = 200 * 1024;

    private final EditorAccess access;

    public EditorOnlyFilter(EditorAccess access) {
        this.access = access;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        switch (access.check(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            case MISSING -> throw new ProblemException(401, "Unauthorized", "send Authorization: Bearer <editor token>",
                    List.of(), Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
            case WRONG -> throw new ProblemException(403, "Forbidden", "this token may not edit articles");
            case VALID -> {
                // allowed
            }
        }
        if (request.getLength() > MAX_REQUEST_BYTES) {
            throw new ProblemException(413, "Content Too Large",
                    "the request body is " + request.getLength() + " bytes; at most " + MAX_REQUEST_BYTES + " are accepted");
        }
    }
}
