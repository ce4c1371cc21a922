package io.manchete.pages.api;

import io.manchete.commons.problem.Problem;
import io.manchete.pages.config.PagesConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks the editor token before the body is read: missing → 401 with {@code WWW-Authenticate: Bearer},
 * wrong → 403, both problem+json. The comparison takes the same time whatever the token.
 */
@Provider
@EditorOnly
@Priority(Priorities.AUTHENTICATION)
public class EditorTokenFilter implements ContainerRequestFilter {
    private static final String BEARER = "Bearer ";

    /** Providers are built before runtime configuration exists: the token is read on first use. */
    private final Instance<PagesConfig> config;
    private volatile byte[] token;

    public EditorTokenFilter(Instance<PagesConfig> config) {
        this.config = config;
    }

    private byte[] token() {
        byte[] known = token;
        if (known == null) {
            known = config.get().editorToken().getBytes(StandardCharsets.UTF_8);
            token = known;
        }
        return known;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String path = request.getUriInfo().getPath();
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.substring(BEARER.length()).isBlank()) {
            request.abortWith(problem(401, "Unauthorized", "this write needs an editor token (Authorization: Bearer …)", path)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"manchete\"").build());
            return;
        }
        byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, token())) {
            request.abortWith(problem(403, "Forbidden", "the editor token is not valid", path).build());
        }
    }

    private static Response.ResponseBuilder problem(int status, String title, String detail, String path) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, path, List.of()));
    }
}
