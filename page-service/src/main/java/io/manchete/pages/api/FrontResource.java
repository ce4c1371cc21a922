package io.manchete.pages.api;

import io.manchete.commons.problem.Problem;
import io.manchete.commons.problem.ProblemException;
import io.manchete.pages.domain.Front;
import io.manchete.pages.domain.Slugs;
import io.manchete.pages.service.FrontService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Front-page curation: which articles go into which slot of a front, in order. */
@Path("/api/v1/fronts/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "fronts")
public class FrontResource {
    static final int NAME_MAX = 60;
    static final int MAX_SLOTS = 20;
    static final int MAX_PER_SLOT = 50;

    private final FrontService fronts;

    public FrontResource(FrontService fronts) {
        this.fronts = fronts;
    }

    /** Body of a PUT: every slot of the front, each a list of article slugs. {@code name}, if given, must match the path. */
    public record FrontInput(String name, Map<String, List<String>> slots) {
    }

    @GET
    @Operation(summary = "A front's slots; a front never written is empty")
    public Uni<Front> get(@PathParam("name") String name) {
        checkName(name);
        return fronts.front(name);
    }

    @PUT
    @EditorOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replaces every slot of a front (editor token)")
    public Uni<Front> put(@PathParam("name") String name, FrontInput input) {
        checkName(name);
        return fronts.replace(validate(name, input));
    }

    private static void checkName(String name) {
        if (!Slugs.isSlug(name, NAME_MAX)) {
            throw ProblemException.badRequest("name", "a front name is a slug of at most " + NAME_MAX + " characters");
        }
    }

    static Front validate(String name, FrontInput input) {
        if (input == null) {
            throw ProblemException.badRequest("slots", "the body must be a JSON object with 'slots'");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (input.name() != null && !input.name().equals(name)) {
            errors.add(new Problem.FieldError("name", "must be '" + name + "' (the front in the path) or absent"));
        }
        if (input.slots() == null) {
            errors.add(new Problem.FieldError("slots", "is required: an object of slot name → list of article slugs"));
        } else if (input.slots().size() > MAX_SLOTS) {
            errors.add(new Problem.FieldError("slots", "at most " + MAX_SLOTS + " slots"));
        } else {
            input.slots().forEach((slot, slugs) -> {
                String field = "slots." + slot;
                if (!Slugs.isSlug(slot, NAME_MAX)) {
                    errors.add(new Problem.FieldError(field, "a slot name is a slug of at most " + NAME_MAX + " characters"));
                }
                if (slugs == null) {
                    errors.add(new Problem.FieldError(field, "must be a list of article slugs"));
                    return;
                }
                if (slugs.size() > MAX_PER_SLOT) {
                    errors.add(new Problem.FieldError(field, "at most " + MAX_PER_SLOT + " articles per slot"));
                }
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < slugs.size(); i++) {
                    String slug = slugs.get(i);
                    if (!Slugs.isSlug(slug)) {
                        errors.add(new Problem.FieldError(field + "[" + i + "]",
                                "not a slug ([a-z0-9]+(-[a-z0-9]+)*, at most " + Slugs.MAX_LENGTH + " characters)"));
                    } else if (!seen.add(slug)) {
                        errors.add(new Problem.FieldError(field + "[" + i + "]", "'" + slug + "' is already in this slot"));
                    }
                }
            });
        }
        if (!errors.isEmpty()) {
            String detail = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
            throw new ProblemException(400, "Bad Request", detail, errors, Map.of());
        }
        return new Front(name, new LinkedHashMap<>(input.slots()));
    }
}
