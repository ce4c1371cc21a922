package io.manchete.e2e;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP trace receiver for the end-to-end tests: a JDK {@link HttpServer} on
 * 127.0.0.1 (free port) answering {@code POST …/v1/traces} with protobuf bodies (gzip-compressed or
 * not) the way a collector does — {@code 200} with an empty {@code ExportTraceServiceResponse} — and
 * keeping every span it received in memory, flattened with its resource's {@code service.name}.
 * Point a process at it with {@link #exporterConfig()}.
 */
final class OtlpReceiver implements AutoCloseable {
    /** Spans kept at most; older ones are dropped beyond it (a suite run exports far fewer). */
    static final int MAX_SPANS = 200_000;
    static final String PROTOBUF = "application/x-protobuf";
    private static final HexFormat HEX = HexFormat.of();

    /** One received span. {@code parentSpanId} is empty for a root span. Times in epoch nanoseconds. */
    record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
                        io.opentelemetry.proto.trace.v1.Span.SpanKind kind, Map<String, String> attributes,
                        long startNanos, long endNanos, boolean error) {

        boolean server() {
            return kind == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
        }

        boolean client() {
            return kind == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
        }

        String attribute(String key) {
            return attributes.get(key);
        }

        String kindName() {
            return kind.name().replace("SPAN_KIND_", "").toLowerCase(Locale.ROOT);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<ReceivedSpan> spans = new ArrayDeque<>();
    private final AtomicLong exports = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private OtlpReceiver(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static OtlpReceiver start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the OTLP receiver", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "otlp-receiver");
            thread.setDaemon(true);
            return thread;
        });
        OtlpReceiver receiver = new OtlpReceiver(server, executor);
        server.createContext("/", receiver::handle);
        server.setExecutor(executor);
        server.start();
        return receiver;
    }

    /** {@code http://127.0.0.1:<port>}: the OTLP/HTTP base endpoint ({@code /v1/traces} is appended by the exporter). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The Quarkus settings that send a process's spans here: OTLP over HTTP with protobuf bodies to
     * {@link #endpoint()}, in batches sent every 100 ms (instead of the default 5 s).
     */
    Map<String, String> exporterConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.otel.exporter.otlp.protocol", "http/protobuf");
        config.put("quarkus.otel.exporter.otlp.endpoint", endpoint());
        config.put("quarkus.otel.bsp.schedule.delay", "100ms");
        return config;
    }

    /** Every span received so far with this trace id (lower-case hex), oldest first. */
    List<ReceivedSpan> trace(String traceId) {
        synchronized (spans) {
            return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
        }
    }

    /** Export requests accepted / refused (not parseable, wrong method or path) so far. */
    String stats() {
        int kept;
        synchronized (spans) {
            kept = spans.size();
        }
        return exports.get() + " exports accepted, " + refused.get() + " refused, " + kept + " spans kept";
    }

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!path.endsWith("/v1/traces")) {
                drain(exchange);
                refuse(exchange, 404, "only /v1/traces is received here");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                drain(exchange);
                exchange.getResponseHeaders().set("Allow", "POST");
                refuse(exchange, 405, "use POST");
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith(PROTOBUF)) {
                drain(exchange);
                refuse(exchange, 415, "only " + PROTOBUF + " is understood, not " + contentType);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
                try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = unzipped.readAllBytes();
                }
            } else if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
                refuse(exchange, 415, "unknown Content-Encoding " + encoding);
                return;
            }
            ExportTraceServiceRequest request;
            try {
                request = ExportTraceServiceRequest.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                refuse(exchange, 400, "not an ExportTraceServiceRequest: " + e.getMessage());
                return;
            }
            keep(request);
            exports.incrementAndGet();
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a broken connection or a bug here: the exporter sees a failed export and carries on
            refused.incrementAndGet();
            System.err.println("OTLP receiver: " + e);
        } finally {
            exchange.close();
        }
    }

    private void refuse(HttpExchange exchange, int status, String message) throws IOException {
        refused.incrementAndGet();
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
        exchange.sendResponseHeaders(status, text.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(text);
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private void keep(ExportTraceServiceRequest request) {
        List<ReceivedSpan> received = new ArrayList<>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String service = "";
            for (KeyValue attribute : resourceSpans.getResource().getAttributesList()) {
                if (attribute.getKey().equals("service.name")) {
                    service = text(attribute.getValue());
                }
            }
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
                    Map<String, String> attributes = new LinkedHashMap<>();
                    for (KeyValue attribute : span.getAttributesList()) {
                        attributes.put(attribute.getKey(), text(attribute.getValue()));
                    }
                    received.add(new ReceivedSpan(service, hex(span.getTraceId().toByteArray()),
                            hex(span.getSpanId().toByteArray()), hex(span.getParentSpanId().toByteArray()),
                            span.getName(), span.getKind(), Map.copyOf(attributes), span.getStartTimeUnixNano(),
                            span.getEndTimeUnixNano(),
                            span.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR));
                }
            }
        }
        synchronized (spans) {
            spans.addAll(received);
            while (spans.size() > MAX_SPANS) {
                spans.removeFirst();
            }
        }
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpReceiver::text)
                    .collect(Collectors.joining(",", "[", "]"));
            case BYTES_VALUE -> hex(value.getBytesValue().toByteArray());
            default -> value.toString().strip();
        };
    }

    /**
     * The spans as an indented tree (children in start order) below {@code rootParentSpanId}: one line
     * per span with its service, kind, name, duration and the attributes that tell what it did.
     * Spans whose parent is not among them are listed at the end as orphans.
     */
    static String tree(List<ReceivedSpan> trace, String rootParentSpanId) {
        Map<String, List<ReceivedSpan>> children = new LinkedHashMap<>();
        Set<String> ids = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        List<ReceivedSpan> sorted = new ArrayList<>(trace);
        sorted.sort(Comparator.comparingLong(ReceivedSpan::startNanos));
        List<ReceivedSpan> orphans = new ArrayList<>();
        for (ReceivedSpan span : sorted) {
            if (span.parentSpanId().equals(rootParentSpanId) || ids.contains(span.parentSpanId())) {
                children.computeIfAbsent(span.parentSpanId(), k -> new ArrayList<>()).add(span);
            } else {
                orphans.add(span);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("trace ").append(trace.isEmpty() ? "?" : trace.get(0).traceId()).append(" (").append(trace.size())
                .append(" spans), caller's span ").append(rootParentSpanId).append('\n');
        append(out, children, rootParentSpanId, 1);
        for (ReceivedSpan orphan : orphans) {
            out.append("  orphan (parent ").append(orphan.parentSpanId().isEmpty() ? "none" : orphan.parentSpanId())
                    .append(" not in the trace): ");
            line(out, orphan);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, Map<String, List<ReceivedSpan>> children, String parent, int depth) {
        for (ReceivedSpan span : children.getOrDefault(parent, List.of())) {
            out.append("  ".repeat(depth)).append("- ");
            line(out, span);
            append(out, children, span.spanId(), depth + 1);
        }
    }

    private static void line(StringBuilder out, ReceivedSpan span) {
        out.append(span.service()).append(' ').append(span.kindName()).append(" \"").append(span.name()).append('"')
                .append(String.format(Locale.ROOT, " %.1f ms", (span.endNanos() - span.startNanos()) / 1e6));
        StringBuilder details = new StringBuilder();
        for (String key : List.of("manchete.fragment.cache", "manchete.fragment.outcome", "http.response.status_code",
                "cache.hit", "db.system", "db.sql.table", "error.type")) {
            String value = span.attribute(key);
            if (value != null) {
                details.append(details.length() == 0 ? "" : " ").append(key).append('=').append(value);
            }
        }
        if (span.error()) {
            details.append(details.length() == 0 ? "" : " ").append("ERROR");
        }
        if (details.length() > 0) {
            out.append(" [").append(details).append(']');
        }
        out.append(" span ").append(span.spanId()).append('\n');
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
