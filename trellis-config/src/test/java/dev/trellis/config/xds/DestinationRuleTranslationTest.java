package dev.trellis.config.xds;

import static dev.trellis.config.xds.XdsTranslatorTest.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.Test;

/** An Istio DestinationRule reaches the sidecars as the Envoy cluster the equivalent DestinationPolicy makes. */
class DestinationRuleTranslationTest {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080, endpoints: [{address: "127.0.0.1:9001"}]}
            ---
            """;
    static final String RULE = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: catalog}
            spec:
              host: catalog.default.svc.cluster.local
              trafficPolicy:
                loadBalancer: {simple: ROUND_ROBIN}
                connectionPool:
                  tcp: {maxConnections: 100, connectTimeout: 250ms}
                  http: {http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRetries: 5, idleTimeout: 30s}
                outlierDetection: {consecutive5xxErrors: 3, interval: 5s, baseEjectionTime: 15s, maxEjectionPercent: 20}
            """;
    static final String POLICY = """
            apiVersion: trellis.dev/v1alpha1
            kind: DestinationPolicy
            metadata: {name: catalog}
            spec:
              targetRef: {kind: Service, name: catalog}
              loadBalancer: {policy: ROUND_ROBIN}
              connectTimeout: 250ms
              idleTimeout: 30s
              circuitBreakers: {maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 5}
              outlierDetection: {consecutive5xx: 3, consecutiveGatewayErrors: 0, interval: 5s, baseEjectionTime: 15s,
                                 maxEjectionPercent: 20, panicThresholdPercent: 0}
            """;

    static Cluster catalogCluster(String yaml) {
        XdsResources xds = XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", SERVICES + yaml), ProxyNode.of("web", 0));
        return named(xds.clusters(), Cluster::getName, "catalog.default");
    }

    @Test
    void aRuleAndTheEquivalentPolicyMakeTheSameCluster() {
        Cluster fromRule = catalogCluster(RULE);
        assertThat(fromRule).isEqualTo(catalogCluster(POLICY));
        assertThat(fromRule).as("the rule changed the defaults").isNotEqualTo(catalogCluster(""));
        assertThat(fromRule.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(100);
        assertThat(fromRule.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(3);
    }
}
