package io.manchete.content.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EditorTokenTest {
    private final EditorToken token = new EditorToken("s3cret");

    @Test
    void theRightBearerTokenIsValid() {
        assertEquals(EditorToken.Verdict.VALID, token.check("Bearer s3cret"));
        assertEquals(EditorToken.Verdict.VALID, token.check("bearer   s3cret "));
    }

    @Test
    void aWrongTokenIsWrong() {
        assertEquals(EditorToken.Verdict.WRONG, token.check("Bearer s3cre"));
        assertEquals(EditorToken.Verdict.WRONG, token.check("Bearer s3cret2"));
        assertEquals(EditorToken.Verdict.WRONG, token.check("Bearer S3CRET"));
    }

    @Test
    void noBearerCredentialIsMissing() {
        assertEquals(EditorToken.Verdict.MISSING, token.check(null));
        assertEquals(EditorToken.Verdict.MISSING, token.check(""));
        assertEquals(EditorToken.Verdict.MISSING, token.check("Bearer "));
        assertEquals(EditorToken.Verdict.MISSING, token.check("Basic czNjcmV0"));
        assertEquals(EditorToken.Verdict.MISSING, token.check("s3cret"));
        assertNull(EditorToken.bearer("Bearers3cret"));
    }

    @Test
    void anEmptyConfiguredTokenIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EditorToken(" "));
    }
}
