package io.manchete.pages.api;

import jakarta.ws.rs.core.HttpHeaders;

/** Conditional-request helpers. */
final class Responses {
    private Responses() {
    }

    /** Whether an {@code If-None-Match} header names the given quoted ETag (or is {@code *}). */
    static boolean notModified(HttpHeaders headers, String etag) {
        String ifNoneMatch = headers.getHeaderString(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.trim();
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals("*") || value.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
