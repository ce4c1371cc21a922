package io.manchete.gateway.web;

import io.manchete.gateway.config.GatewayConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * What every answer of the gateway (outside {@code /q}) gets besides its body: the request's trace id
 * ({@code X-Trace-Id}), the route template on the server span (its name: {@code GET /{section}/{slug}}),
 * and one access log line (category {@value #CATEGORY}, INFO, off with
 * {@code manchete.access-log.enabled=false}):
 * <pre>GET /{section}/{slug} /world/lisbon-tram 200 3.1ms cache=hit traceId=4bf92f3577b34da6a3ce929d0e0e4736</pre>
 * — method, route template, path (control characters and spaces escaped, at most 200 characters),
 * status, time until the answer was written, page cache result ({@code -} for other routes), trace id.
 * Written on the request's context, so the console format's {@code traceId}/{@code spanId} are set too.
 */
@Singleton
public class AccessLog {
    public static final String CATEGORY = "io.manchete.gateway.access";
    /** Where {@link #route} keeps the template: {@link ServerSpans} names the server span after it. */
    static final String URL_PATH_TEMPLATE = "manchete.route";
    static final CharSequence TRACE_ID = io.vertx.core.http.HttpHeaders.createOptimized("X-Trace-Id");
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final int MAX_PATH = 200;

    private final boolean enabled;

    public AccessLog(GatewayConfig config) {
        this.enabled = config.accessLog().enabled();
    }

    /** Names the request's server span after {@code template} (call before answering). */
    static void route(String template) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.putLocal(URL_PATH_TEMPLATE, template);
        }
    }

    /** The template {@link #route} gave the request running on {@code context}, or {@code null}. */
    static String routeOf(Context context) {
        return context == null ? null : context.getLocal(URL_PATH_TEMPLATE);
    }

    /** Sets {@code X-Trace-Id} on the answer; returns the trace id (or {@code null}). */
    static String traceHeader(HttpServerResponse response) {
        return traceHeader(response, Span.current());
    }

    /** The same, with the request's span at hand (one context look-up less on the hot path). */
    static String traceHeader(HttpServerResponse response, Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        String traceId = context.getTraceId();
        if (!response.headWritten()) {
            response.putHeader(TRACE_ID, traceId);
        }
        return traceId;
    }

    public boolean enabled() {
        return enabled;
    }

    /** One line for an answered request (no-op when disabled). */
    void log(HttpServerRequest request, String template, int status, long nanos, String cache, String traceId) {
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        LOG.info(line(request.method().name(), template, request.path(), status, nanos, cache, traceId));
    }

    static String line(String method, String template, String path, int status, long nanos, String cache,
                       String traceId) {
        StringBuilder line = new StringBuilder(128).append(method).append(' ').append(template).append(' ');
        appendPath(line, path);
        long tenths = Math.max(0, (nanos + 50_000) / 100_000);
        line.append(' ').append(status).append(' ').append(tenths / 10).append('.').append(tenths % 10).append("ms cache=")
                .append(cache == null ? "-" : cache).append(" traceId=").append(traceId == null ? "-" : traceId);
        return line.toString();
    }

    private static void appendPath(StringBuilder line, String path) {
        if (path == null || path.isEmpty()) {
            line.append('-');
            return;
        }
        int length = Math.min(path.length(), MAX_PATH);
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '"') {
                line.append('%').append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                line.append(c);
            }
        }
        if (path.length() > MAX_PATH) {
            line.append("...");
        }
    }
}
