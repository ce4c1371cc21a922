package io.manchete.gateway.client;

/**
 * Names of the headers a fragment (or layout) response carries besides {@code Cache-Control}: the
 * same names as {@code io.manchete.commons.http.FragmentHeaders}, kept here so the gateway does not
 * depend on commons (which brings JAX-RS and the validator along).
 */
public final class FragmentHeaders {
    /** Space-separated tags to expire the response by, e.g. {@code article:my-slug section:world}. */
    public static final String SURROGATE_KEY = "Surrogate-Key";
    /** Optional on the primary fragment: the page title, percent-encoded UTF-8. */
    public static final String FRAGMENT_TITLE = "Fragment-Title";

    private FragmentHeaders() {
    }
}
