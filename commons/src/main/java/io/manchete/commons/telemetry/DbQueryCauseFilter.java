package io.manchete.commons.telemetry;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Tells {@link DbQueries} whether the request being answered is a read or a write. */
public class DbQueryCauseFilter {

    @ServerRequestFilter(preMatching = true)
    public void mark(ContainerRequestContext request) {
        DbQueries.markRequest(request.getMethod());
    }
}
