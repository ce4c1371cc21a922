package io.manchete.gateway.web;

import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One access log line per request (method, route, path, status, duration, page cache result, trace
 * id), written while the request's span is current, so the console format's ids are filled in too.
 */
@QuarkusTest
@WithTestResource(StubUpstreams.class)
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "none"))
class AccessLogTest {
    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            ExtLogRecord ext = ExtLogRecord.wrap(record);
            ext.copyAll(); // the MDC and the message as they are now, on the logging thread
            records.add(ext);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Gateway.fresh();
        Logger.getLogger(AccessLog.CATEGORY).addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(AccessLog.CATEGORY).removeHandler(capture);
    }

    @Test
    void oneLinePerRequestWithRouteStatusCacheAndTraceId() {
        String traceId = TracingTest.hex(16);
        String slug = Gateway.newStory();
        String path = "/world/" + slug;
        given().header("traceparent", "00-" + traceId + "-" + TracingTest.hex(8) + "-01").get(path).then().statusCode(200);
        given().get(path).then().statusCode(200);

        List<ExtLogRecord> lines = await().atMost(Duration.ofSeconds(5))
                .until(() -> lines(" " + path + " "), found -> found.size() == 2);
        String miss = lines.get(0).getFormattedMessage();
        assertTrue(miss.matches("GET /\\{section}/\\{slug} " + path + " 200 \\d+\\.\\dms cache=miss traceId=" + traceId), miss);
        assertEquals(traceId, lines.get(0).getMdc("traceId"), "the request's trace id is in the log record's MDC");
        String spanId = lines.get(0).getMdc("spanId");
        assertTrue(spanId != null && spanId.matches("[0-9a-f]{16}"), "span id: " + spanId);
        String format = ConfigProvider.getConfig().getValue("quarkus.log.console.format", String.class);
        String formatted = new PatternFormatter(format).format(lines.get(0));
        assertTrue(formatted.contains("traceId=" + traceId + " spanId=" + spanId), formatted);

        String hit = lines.get(1).getFormattedMessage();
        assertTrue(hit.matches("GET /\\{section}/\\{slug} " + path + " 200 \\d+\\.\\dms cache=hit traceId=[0-9a-f]{32}"), hit);

        given().get("/q/health/live").then().statusCode(200);
        given().get("/nowhere/at/all").then().statusCode(404);
        await().atMost(Duration.ofSeconds(5)).until(() -> !lines(" /nowhere/at/all ").isEmpty());
        assertTrue(lines(" /nowhere/at/all ").get(0).getFormattedMessage().startsWith("GET /* /nowhere/at/all 404 "));
        assertFalse(records.stream().anyMatch(r -> r.getFormattedMessage().contains("/q/health")), "probes are left out");
    }

    @Test
    void pathsAreEscapedAndBounded() {
        String line = AccessLog.line("GET", "/*", "/a b\"\n" + "x".repeat(300), 404, 1_250_000, null, null);
        assertTrue(line.startsWith("GET /* /a%20b%22%0a" + "x".repeat(194) + "... 404 1.3ms cache=- traceId=-"), line);
    }

    private List<ExtLogRecord> lines(String text) {
        return records.stream().filter(r -> r.getFormattedMessage() != null && r.getFormattedMessage().contains(text))
                .toList();
    }
}
