package io.manchete.content.tracing;

import io.manchete.launcher.testing.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.manchete.content.Fixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log lines written while a request is handled carry its trace and span id, in the console format
 * the service is configured with; the access log has one line per request with method, path,
 * status, duration and trace id.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "content"))
class LogLinesTest {
    private static final String ACCESS_LOG = "io.quarkus.http.access-log";
    private static final String PROBLEMS = "io.manchete.commons.problem.ProblemMappers";

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
        Logger.getLogger(ACCESS_LOG).addHandler(capture);
        Logger.getLogger(PROBLEMS).addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(ACCESS_LOG).removeHandler(capture);
        Logger.getLogger(PROBLEMS).removeHandler(capture);
    }

    @Test
    void anApplicationLogLineCarriesTheTraceId() {
        String traceId = hex(16);
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                .get("/test-only/boom").then().statusCode(500);

        ExtLogRecord error = await().atMost(Duration.ofSeconds(5))
                .until(() -> find(PROBLEMS, "/test-only/boom"), Optional::isPresent).get();
        assertEquals(traceId, error.getMdc("traceId"), "the request's trace id is in the log record's MDC");
        String spanId = error.getMdc("spanId");
        assertTrue(spanId != null && spanId.matches("[0-9a-f]{16}"), "span id: " + spanId);

        String format = ConfigProvider.getConfig().getValue("quarkus.log.console.format", String.class);
        String line = new PatternFormatter(format).format(error);
        assertTrue(line.contains("traceId=" + traceId + " spanId=" + spanId), line);
    }

    @Test
    void theAccessLogHasOneLinePerRequestWithItsTraceId() {
        String traceId = hex(16);
        String slug = unique("logged");
        given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                .get("/api/v1/articles/{slug}", slug).then().statusCode(404);

        String path = "/api/v1/articles/" + slug;
        String line = await().atMost(Duration.ofSeconds(5))
                .until(() -> find(ACCESS_LOG, path), Optional::isPresent).get().getFormattedMessage();
        assertTrue(line.matches("\"GET " + path + " HTTP/1.1\" 404 \\d+ms \\d+ bytes traceId=" + traceId + " spanId=[0-9a-f]{16}"), line);
        assertEquals(1, records.stream().filter(r -> r.getFormattedMessage().contains(path)).count(), "one line per request");

        given().get("/q/health/live").then().statusCode(200);
        given().get("/api/v1/articles/{slug}", unique("after")).then().statusCode(404);
        await().atMost(Duration.ofSeconds(5)).until(() -> find(ACCESS_LOG, "/api/v1/articles/after-").isPresent());
        assertFalse(find(ACCESS_LOG, "/q/health").isPresent(), "probes are left out of the access log");
    }

    private Optional<ExtLogRecord> find(String category, String text) {
        return records.stream()
                .filter(r -> category.equals(r.getLoggerName()))
                .filter(r -> r.getFormattedMessage() != null && r.getFormattedMessage().contains(text))
                .findFirst();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1;
        return HexFormat.of().formatHex(random);
    }
}
