package io.manchete.gateway.contract;

import io.manchete.launcher.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Points the gateway at three free loopback ports, where {@link GatewayContractTest} starts the Pact
 * mock servers of page-service, content-service and comments-service (the gateway reads its upstream
 * URLs at start-up, the mock servers are made by the test). Budgets are generous: a mock server's
 * first answers in a cold JVM are slow, and a timed-out fragment would be a placeholder, not a contract
 * failure.
 */
public class MockServicePorts implements QuarkusTestResourceLifecycleManager {
    static final String[] SERVICES = {"page", "content", "comments"};

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        for (String service : SERVICES) {
            config.put("manchete.services." + service + ".url", "http://127.0.0.1:" + Ports.freePort());
            config.put("manchete.services." + service + ".timeout", "5s");
            config.put("manchete.services." + service + ".write-timeout", "5s");
        }
        return config;
    }

    @Override
    public void stop() {
    }
}
