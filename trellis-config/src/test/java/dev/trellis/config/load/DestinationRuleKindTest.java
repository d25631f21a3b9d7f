package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.DestinationRule;
import dev.trellis.config.resource.TrafficPolicy;
import dev.trellis.config.resource.TrafficPolicy.CircuitBreakers;
import dev.trellis.config.resource.TrafficPolicy.LoadBalancer;
import dev.trellis.config.resource.TrafficPolicy.OutlierDetection;
import dev.trellis.config.resource.TrafficPolicy.RetryBudget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Istio's DestinationRule: the fields Trellis maps, Istio's defaults, every refusal and its line. Lines 1-15 are the Services. */
class DestinationRuleKindTest {
    // line 16:
    static final String RULE = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: catalog-rule}
            spec:
              host: catalog.default.svc.cluster.local
              trafficPolicy:
                loadBalancer: {simple: LEAST_CONN}
                connectionPool:
                  tcp: {maxConnections: 100, connectTimeout: 250ms}
                  http: {http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRetries: 5, idleTimeout: 30s}
                outlierDetection:
                  consecutive5xxErrors: 3
                  interval: 5s
                  baseEjectionTime: 15s
            """;
    static final String MINIMAL = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: catalog-rule}
            spec:
              host: catalog
            """;

    static ResourceSet load(String yaml) {
        return ConfigLoader.standard().parse("rule.yaml", HttpRouteKindTest.SERVICES + yaml);
    }

    static TrafficPolicy policy(String yaml) {
        ResourceSet set = load(yaml);
        return DestinationPolicyKind.policyOf(set, set.service("default", "catalog").orElseThrow());
    }

    static String failure(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as("expected the rule to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void readsWhatIstioUsersWriteIntoTheServicesPolicy() {
        ResourceSet set = load(RULE);
        DestinationRule rule = set.ofType(DestinationRule.class).get(0);
        assertThat(rule.kind()).isEqualTo("DestinationRule");
        assertThat(rule.policy().target()).isEqualTo("catalog");
        assertThat(rule.policy().targetLocation().line()).isEqualTo(20);
        assertThat(set.destinationPolicies()).containsExactly(rule.policy());
        // outlier fields left out take Istio's defaults: gateway errors not counted, at most 10% ejected, no panic floor
        assertThat(policy(RULE)).isEqualTo(new TrafficPolicy(LoadBalancer.LEAST_REQUEST, Duration.ofMillis(250), Duration.ofSeconds(30),
                new CircuitBreakers(100, 10, 200, 5),
                new OutlierDetection(3, 0, Duration.ofSeconds(5), Duration.ofSeconds(15), 10, 0, null),
                RetryBudget.DEFAULT, null));
    }

    @Test
    void aRuleWithoutATrafficPolicyLeavesTheDefaults() {
        assertThat(policy(MINIMAL)).isEqualTo(TrafficPolicy.DEFAULT);
        assertThat(policy(MINIMAL.replace("host: catalog", "host: catalog.default"))).isEqualTo(TrafficPolicy.DEFAULT);
        assertThat(policy(MINIMAL.replace("networking.istio.io/v1", "networking.istio.io/v1beta1"))).isEqualTo(TrafficPolicy.DEFAULT);
        assertThat(policy(MINIMAL + "  trafficPolicy:\n    loadBalancer: {simple: ROUND_ROBIN}\n").loadBalancer())
                .isEqualTo(LoadBalancer.ROUND_ROBIN);
        assertThat(policy(MINIMAL + "  trafficPolicy:\n    connectionPool: {tcp: {maxConnections: 7}}\n").circuitBreakers())
                .isEqualTo(new CircuitBreakers(7, 1024, 1024, 1024));
    }

    @Test
    void whatTrellisDoesAnotherWayIsRefusedWithTheWay() {
        assertThat(failure(MINIMAL + "  subsets: [{name: v1, labels: {version: v1}}]\n"))
                .startsWith("rule.yaml:21: spec.subsets: not supported (expected: a Service per version");
        assertThat(failure(MINIMAL + "  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n"))
                .isEqualTo("rule.yaml:22: spec.trafficPolicy.tls: not supported (expected: none; mutual TLS between sidecars "
                        + "follows PeerAuthentication)");
        assertThat(failure(MINIMAL + "  trafficPolicy:\n    loadBalancer: {simple: RANDOM}\n"))
                .isEqualTo("rule.yaml:22: spec.trafficPolicy.loadBalancer.simple: \"RANDOM\" (expected: ROUND_ROBIN, "
                        + "LEAST_REQUEST (or LEAST_CONN) or UNSPECIFIED)");
        assertThat(failure(MINIMAL + "  trafficPolicy:\n    connectionPool: {http: {maxRequestsPerConnection: 1}}\n"))
                .startsWith("rule.yaml:22: spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection: unknown field");
    }

    @Test
    void theHostMustNameAServiceOfTheRulesNamespace() {
        assertThat(failure(MINIMAL.replace("host: catalog", "host: catalog.other")))
                .isEqualTo("rule.yaml:20: spec.host: \"catalog.other\" (expected: a Service of the rule's namespace default: "
                        + "NAME, NAME.default or NAME.default.svc.DOMAIN)");
        assertThat(failure(MINIMAL.replace("host: catalog", "host: \"*.example.com\"")))
                .startsWith("rule.yaml:20: spec.host: \"*.example.com\" (expected: a Service of the rule's namespace");
        assertThat(failure(MINIMAL.replace("host: catalog", "host: nowhere")))
                .isEqualTo("rule.yaml:20: spec.host: nowhere (expected: an existing Service; none named nowhere in namespace default)");
    }

    @Test
    void aServiceTakesOnePolicyOfEitherKind() {
        String policy = DestinationPolicyKindTest.MINIMAL;
        assertThat(failure(policy + "---\n" + MINIMAL))
                .isEqualTo("rule.yaml:26: spec.host: catalog (expected: one DestinationPolicy or DestinationRule per Service; "
                        + "DestinationPolicy default/catalog-policy at rule.yaml:16 targets it too)");
        assertThat(failure(MINIMAL + "---\n" + policy))
                .isEqualTo("rule.yaml:26: spec.targetRef.name: catalog (expected: one DestinationPolicy or DestinationRule per "
                        + "Service; DestinationRule default/catalog-rule at rule.yaml:16 targets it too)");
    }
}
