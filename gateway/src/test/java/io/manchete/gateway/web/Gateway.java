package io.manchete.gateway.web;

import io.manchete.gateway.cache.GatewayCaches;
import io.manchete.gateway.client.UpstreamGuards;
import io.manchete.gateway.stub.StubUpstreams;
import io.manchete.gateway.stub.Stubs;
import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Test helpers around the running gateway: a clean start per test, purges. */
public final class Gateway {
    public static final String PURGE_TOKEN = "dev-purge-token";

    private Gateway() {
    }

    /**
     * Stub rules and counters reset, the gateway's caches empty (they live in the shared Infinispan),
     * every circuit breaker closed and every retry budget full.
     */
    public static void fresh() {
        if (!warm) {
            warm = true;
            warmUp();
        }
        Stubs.reset();
        Arc.container().instance(GatewayCaches.class).get().clear().join();
        Arc.container().instance(UpstreamGuards.class).get().reset();
    }

    private static boolean warm;

    /**
     * What the launcher does before a run: the first requests of a cold JVM load classes, build the
     * fault-tolerance guards and open connections, and on two shared cores that can take longer than an
     * upstream budget. Once per gateway (per test profile), before the first test's clean start.
     */
    private static void warmUp() {
        for (int round = 0; round < 3; round++) {
            for (String path : List.of("/", "/world", "/world/hello-world", "/world/" + newStory(),
                    "/assets/" + StubUpstreams.ASSET, "/nowhere/at/all")) {
                given().get(path).then().extract().statusCode();
            }
        }
    }

    /** Purges {@code tags} through the API and expects 204. */
    public static void purge(String... tags) {
        given().header("Authorization", "Bearer " + PURGE_TOKEN).contentType(ContentType.JSON)
                .body(new JsonObject().put("tags", new JsonArray(List.of(tags))).put("source", "test").encode())
                .post(PurgeApi.PATH).then().statusCode(204);
    }

    /**
     * The value of a counter in /q/metrics ({@code name{labels}} exactly as Prometheus prints it), 0 if
     * absent; an exemplar after it ({@code # {span_id=…,trace_id=…} …}) is ignored.
     */
    public static double metric(String nameAndLabels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                String value = line.substring(nameAndLabels.length() + 1).trim();
                int exemplar = value.indexOf(' ');
                return Double.parseDouble(exemplar < 0 ? value : value.substring(0, exemplar));
            }
        }
        return 0;
    }

    /** A slug the stub knows as a published article, unused so far. */
    public static String newStory() {
        return "story-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A {@code GET} answered exactly as it comes over the wire (1xx included), noting when each read
     * returned in {@code arrivals} ({nanoTime, bytes so far}).
     */
    public static String rawGet(URL gateway, String path, String version, List<long[]> arrivals) throws IOException {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " " + version + "\r\nHost: " + gateway.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                all.write(buffer, 0, read);
                arrivals.add(new long[] {System.nanoTime(), all.size()});
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}
