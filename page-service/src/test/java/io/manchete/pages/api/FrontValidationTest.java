package io.manchete.pages.api;

import io.manchete.commons.problem.Problem;
import io.manchete.commons.problem.ProblemException;
import io.manchete.pages.domain.Front;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrontValidationTest {

    private static List<String> fields(FrontResource.FrontInput input) {
        ProblemException e = assertThrows(ProblemException.class, () -> FrontResource.validate("home", input));
        assertEquals(400, e.status());
        return e.problem().errors().stream().map(Problem.FieldError::field).toList();
    }

    @Test
    void aValidFrontKeepsSlotAndSlugOrder() {
        Map<String, List<String>> slots = new LinkedHashMap<>();
        slots.put("top", List.of("b", "a-2"));
        slots.put("more", List.of());
        Front front = FrontResource.validate("home", new FrontResource.FrontInput(null, slots));
        assertEquals("home", front.name());
        assertEquals(List.of("top", "more"), List.copyOf(front.slots().keySet()));
        assertEquals(List.of("b", "a-2"), front.slot("top"));
    }

    @Test
    void eachBadSlugIsNamedByItsPlace() {
        Map<String, List<String>> slots = new LinkedHashMap<>();
        slots.put("top", Arrays.asList("ok", "Bad Slug", "-x", null, "ok", "a".repeat(161)));
        assertEquals(List.of("slots.top[1]", "slots.top[2]", "slots.top[3]", "slots.top[4]", "slots.top[5]"),
                fields(new FrontResource.FrontInput(null, slots)));
    }

    @Test
    void slotsAreRequiredAndNamesMustAgree() {
        assertEquals(List.of("slots"), fields(new FrontResource.FrontInput(null, null)));
        assertEquals(List.of("name"), fields(new FrontResource.FrontInput("weekend", Map.of())));
        assertEquals(List.of("slots.Top"), fields(new FrontResource.FrontInput(null, Map.of("Top", List.of("a")))));
        Map<String, List<String>> nullSlot = new LinkedHashMap<>();
        nullSlot.put("top", null);
        assertEquals(List.of("slots.top"), fields(new FrontResource.FrontInput(null, nullSlot)));
    }
}
