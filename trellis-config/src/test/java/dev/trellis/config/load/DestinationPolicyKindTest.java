package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.DestinationPolicy;
import dev.trellis.config.resource.TrafficPolicy;
import dev.trellis.config.resource.TrafficPolicy.CircuitBreakers;
import dev.trellis.config.resource.TrafficPolicy.HealthCheck;
import dev.trellis.config.resource.TrafficPolicy.LoadBalancer;
import dev.trellis.config.resource.TrafficPolicy.OutlierDetection;
import dev.trellis.config.resource.TrafficPolicy.RetryBudget;
import dev.trellis.config.resource.TrafficPolicy.SuccessRate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DestinationPolicy: every field, its defaults, every message and its line. Lines 1-15 are the Services. */
class DestinationPolicyKindTest {
    // line 16:
    static final String POLICY = """
            apiVersion: trellis.dev/v1alpha1
            kind: DestinationPolicy
            metadata: {name: catalog-policy}
            spec:
              targetRef: {kind: Service, name: catalog}
              loadBalancer: {policy: ROUND_ROBIN}
              connectTimeout: 250ms
              idleTimeout: 30s
              circuitBreakers: {maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 5}
              outlierDetection:
                consecutive5xx: 3
                consecutiveGatewayErrors: 2
                interval: 5s
                baseEjectionTime: 15s
                maxEjectionPercent: 30
                panicThresholdPercent: 40
                successRate: {minimumHosts: 3, requestVolume: 50, stdevFactor: 2.5}
              retryBudget: {ratio: 0.5, minRetriesPerSecond: 5, window: 20s}
              healthCheck: {path: /healthz, interval: 2s, timeout: 500ms, unhealthyThreshold: 2, healthyThreshold: 3}
            """;
    static final String MINIMAL = """
            apiVersion: trellis.dev/v1alpha1
            kind: DestinationPolicy
            metadata: {name: catalog-policy}
            spec:
              targetRef: {kind: Service, name: catalog}
            """;

    static ResourceSet load(String yaml) {
        return ConfigLoader.standard().parse("policy.yaml", HttpRouteKindTest.SERVICES + yaml);
    }

    static TrafficPolicy policy(String yaml) {
        return load(yaml).destinationPolicies().get(0).policy();
    }

    static String failure(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as("expected the policy to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void readsEveryField() {
        DestinationPolicy p = load(POLICY).destinationPolicies().get(0);
        assertThat(p.target()).isEqualTo("catalog");
        assertThat(p.targetLocation().line()).isEqualTo(20);
        assertThat(p.policy()).isEqualTo(new TrafficPolicy(LoadBalancer.ROUND_ROBIN, Duration.ofMillis(250), Duration.ofSeconds(30),
                new CircuitBreakers(100, 10, 200, 5),
                new OutlierDetection(3, 2, Duration.ofSeconds(5), Duration.ofSeconds(15), 30, 40, new SuccessRate(3, 50, 2.5)),
                new RetryBudget(0.5, 5, Duration.ofSeconds(20)),
                new HealthCheck("/healthz", Duration.ofSeconds(2), Duration.ofMillis(500), 2, 3)));
    }

    @Test
    void unsetFieldsTakeTheDefaults() {
        assertThat(policy(MINIMAL)).isEqualTo(TrafficPolicy.DEFAULT);
        assertThat(TrafficPolicy.DEFAULT).isEqualTo(new TrafficPolicy(LoadBalancer.PEAK_EWMA, Duration.ofSeconds(1), Duration.ofSeconds(60),
                new CircuitBreakers(1024, 1024, 1024, 1024),
                new OutlierDetection(5, 5, Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 50, null),
                new RetryBudget(0.2, 10, Duration.ofSeconds(10)), null));
        assertThat(policy(MINIMAL + "  circuitBreakers: {maxRetries: 10}\n").circuitBreakers()).isEqualTo(new CircuitBreakers(1024, 1024, 1024, 10));
        assertThat(policy(MINIMAL + "  outlierDetection: {successRate: {}}\n").outlierDetection())
                .isEqualTo(new OutlierDetection(5, 5, Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 50, new SuccessRate(5, 100, 1.9)));
        assertThat(policy(MINIMAL + "  outlierDetection: {enabled: false}\n").outlierDetection()).isNull();
        assertThat(policy(MINIMAL + "  outlierDetection: {enabled: true, consecutive5xx: 0}\n").outlierDetection().consecutive5xx()).isZero();
        assertThat(policy(MINIMAL + "  retryBudget: {ratio: 1}\n").retryBudget()).isEqualTo(new RetryBudget(1, 10, Duration.ofSeconds(10)));
        assertThat(policy(MINIMAL + "  healthCheck: {path: /ready}\n").healthCheck())
                .isEqualTo(new HealthCheck("/ready", Duration.ofSeconds(10), Duration.ofSeconds(1), 3, 1));
        assertThat(policy(MINIMAL + "  loadBalancer: {policy: LEAST_REQUEST}\n").loadBalancer()).isEqualTo(LoadBalancer.LEAST_REQUEST);
        assertThat(DestinationPolicyKind.policyOf(load(MINIMAL), load(MINIMAL).service("default", "catalog-v2").orElseThrow()))
                .isEqualTo(TrafficPolicy.DEFAULT);
    }

    @Test
    void targetErrors() {
        assertThat(failure(MINIMAL.replace("  targetRef: {kind: Service, name: catalog}\n", "  connectTimeout: 1s\n")))
                .isEqualTo("policy.yaml:19: spec.targetRef: missing (required)");
        assertThat(failure(MINIMAL.replace("kind: Service, name", "kind: Gateway, name")))
                .isEqualTo("policy.yaml:20: spec.targetRef.kind: \"Gateway\" (expected: Service)");
        assertThat(failure(MINIMAL.replace("kind: Service, name", "name")))
                .isEqualTo("policy.yaml:20: spec.targetRef.kind: missing (required)");
        assertThat(failure(MINIMAL.replace("kind: Service, name", "group: apps, kind: Service, name")))
                .isEqualTo("policy.yaml:20: spec.targetRef.group: \"apps\" (expected: \"\" (the core group of Service))");
        assertThat(failure(MINIMAL.replace("name: catalog}", "name: catalog, namespace: other}")))
                .isEqualTo("policy.yaml:20: spec.targetRef.namespace: unknown field (expected one of: group, kind, name)");
        assertThat(failure(MINIMAL.replace("name: catalog}", "name: nowhere}")))
                .isEqualTo("policy.yaml:20: spec.targetRef.name: nowhere (expected: an existing Service; none named nowhere in namespace default)");
        assertThat(failure(MINIMAL + "---\n" + MINIMAL.replace("name: catalog-policy", "name: second")))
                .isEqualTo("policy.yaml:26: spec.targetRef.name: catalog (expected: one DestinationPolicy or DestinationRule "
                        + "per Service; DestinationPolicy default/catalog-policy at policy.yaml:16 targets it too)");
        assertThat(failure(MINIMAL.replace("name: catalog}", "name: db}") + "  healthCheck: {path: /healthz}\n"))
                .isEqualTo("policy.yaml:16: spec.healthCheck: set for tcp Service db (expected: none; health checks are HTTP requests)");
        assertThat(failure(MINIMAL + "  retryBuget: {}\n"))
                .isEqualTo("policy.yaml:21: spec.retryBuget: unknown field (did you mean retryBudget?)");
    }

    @Test
    void valueErrors() {
        assertThat(failure(POLICY.replace("policy: ROUND_ROBIN", "policy: RANDOM")))
                .isEqualTo("policy.yaml:21: spec.loadBalancer.policy: \"RANDOM\" (expected: PEAK_EWMA, LEAST_REQUEST, ROUND_ROBIN)");
        assertThat(failure(POLICY.replace("connectTimeout: 250ms", "connectTimeout: 0s")))
                .isEqualTo("policy.yaml:22: spec.connectTimeout: 0s (expected: > 0)");
        assertThat(failure(POLICY.replace("idleTimeout: 30s", "idleTimeout: forever")))
                .isEqualTo("policy.yaml:23: spec.idleTimeout: \"forever\" (expected: a duration like 2s, 500ms, 1m or 1h30m)");
        assertThat(failure(POLICY.replace("maxRetries: 5", "maxRetries: 0")))
                .isEqualTo("policy.yaml:24: spec.circuitBreakers.maxRetries: 0 (expected: > 0)");
        assertThat(failure(POLICY.replace("maxConnections: 100", "maxConnections: 1.5")))
                .isEqualTo("policy.yaml:24: spec.circuitBreakers.maxConnections: 1.5 (expected: an integer)");
        assertThat(failure(POLICY.replace("consecutive5xx: 3", "consecutive5xx: -1")))
                .isEqualTo("policy.yaml:26: spec.outlierDetection.consecutive5xx: -1 (expected: >= 0)");
        assertThat(failure(POLICY.replace("consecutiveGatewayErrors: 2", "consecutiveGatewayError: 2")))
                .isEqualTo("policy.yaml:27: spec.outlierDetection.consecutiveGatewayError: unknown field (did you mean consecutiveGatewayErrors?)");
        assertThat(failure(POLICY.replace("interval: 5s", "interval: 5ms")))
                .isEqualTo("policy.yaml:28: spec.outlierDetection.interval: 5ms (expected: >= 10ms)");
        assertThat(failure(POLICY.replace("baseEjectionTime: 15s", "baseEjectionTime: 0s")))
                .isEqualTo("policy.yaml:29: spec.outlierDetection.baseEjectionTime: 0s (expected: > 0)");
        assertThat(failure(POLICY.replace("maxEjectionPercent: 30", "maxEjectionPercent: 101")))
                .isEqualTo("policy.yaml:30: spec.outlierDetection.maxEjectionPercent: 101 (expected: 0..100)");
        assertThat(failure(POLICY.replace("panicThresholdPercent: 40", "panicThresholdPercent: -1")))
                .isEqualTo("policy.yaml:31: spec.outlierDetection.panicThresholdPercent: -1 (expected: 0..100)");
        assertThat(failure(POLICY.replace("minimumHosts: 3", "minimumHosts: 0")))
                .isEqualTo("policy.yaml:32: spec.outlierDetection.successRate.minimumHosts: 0 (expected: > 0)");
        assertThat(failure(POLICY.replace("stdevFactor: 2.5", "stdevFactor: 0")))
                .isEqualTo("policy.yaml:32: spec.outlierDetection.successRate.stdevFactor: 0 (expected: 0.001..100)");
        assertThat(failure(POLICY.replace("    consecutive5xx: 3\n", "    enabled: false\n    consecutive5xx: 3\n")))
                .isEqualTo("policy.yaml:27: spec.outlierDetection.consecutive5xx: set with enabled: false (expected: no other field when disabled)");
        assertThat(failure(POLICY.replace("ratio: 0.5", "ratio: -0.1")))
                .isEqualTo("policy.yaml:33: spec.retryBudget.ratio: -0.1 (expected: 0..1000)");
        assertThat(failure(POLICY.replace("minRetriesPerSecond: 5", "minRetriesPerSecond: -5")))
                .isEqualTo("policy.yaml:33: spec.retryBudget.minRetriesPerSecond: -5 (expected: >= 0)");
        assertThat(failure(POLICY.replace("window: 20s", "window: 90s")))
                .isEqualTo("policy.yaml:33: spec.retryBudget.window: 1m30s (expected: whole seconds, 1s..60s)");
        assertThat(failure(POLICY.replace("window: 20s", "window: 500ms")))
                .isEqualTo("policy.yaml:33: spec.retryBudget.window: 500ms (expected: whole seconds, 1s..60s)");
        assertThat(failure(POLICY.replace("window: 20s", "window: 1s500ms")))
                .isEqualTo("policy.yaml:33: spec.retryBudget.window: 1s500ms (expected: whole seconds, 1s..60s)");
        assertThat(failure(POLICY.replace("path: /healthz", "path: healthz")))
                .isEqualTo("policy.yaml:34: spec.healthCheck.path: \"healthz\" (expected: a request path starting with /)");
        assertThat(failure(POLICY.replace("path: /healthz, ", "")))
                .isEqualTo("policy.yaml:34: spec.healthCheck.path: missing (required)");
        assertThat(failure(POLICY.replace("timeout: 500ms", "timeout: 3s")))
                .isEqualTo("policy.yaml:34: spec.healthCheck.timeout: timeout 3s > interval 2s (expected: timeout <= interval)");
        assertThat(failure(POLICY.replace("unhealthyThreshold: 2", "unhealthyThreshold: 0")))
                .isEqualTo("policy.yaml:34: spec.healthCheck.unhealthyThreshold: 0 (expected: > 0)");
    }
}
