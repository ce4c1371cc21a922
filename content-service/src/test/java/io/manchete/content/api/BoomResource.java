package io.manchete.content.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test-only endpoint that fails unexpectedly, to check that no stack trace leaks. */
@Path("/test-only/boom")
public class BoomResource {
    @GET
    public String boom() {
        throw new IllegalStateException("secret-internal-detail");
    }
}
