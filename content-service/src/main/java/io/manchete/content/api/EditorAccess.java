package io.manchete.content.api;

import io.manchete.content.config.ContentConfig;
import io.manchete.content.domain.EditorToken;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured editor token. */
@ApplicationScoped
public class EditorAccess {
    private final EditorToken token;

    public EditorAccess(ContentConfig config) {
        this.token = new EditorToken(config.editorToken());
    }

    public EditorToken.Verdict check(String authorizationHeader) {
        return token.check(authorizationHeader);
    }

    public boolean isEditor(String authorizationHeader) {
        return token.isValid(authorizationHeader);
    }
}
