package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.dns.ResolvedHosts;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsEndpointTranslationTest {
    static final ResourceSet RESOURCES = ConfigLoader.standard().parse("mesh.yaml", """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: payments}
            spec:
              port: 443
              dnsRefresh: 10s
              endpoints:
                - {address: "Pay.Example.com:8443", labels: {zone: eu}, weight: 3}
                - {address: "127.0.0.1:9001"}
            """);
    static final ProxyNode NODE = ProxyNode.of("web", 9002);

    private static List<LbEndpoint> endpoints(ResolvedHosts dns) {
        ClusterLoadAssignment cla = XdsTranslator.translate(RESOURCES, NODE, List.of(), dns).endpoints().stream()
                .filter(c -> c.getClusterName().equals("payments.default")).findFirst().orElseThrow();
        return cla.getEndpoints(0).getLbEndpointsList();
    }

    private static String address(LbEndpoint e) {
        var socket = e.getEndpoint().getAddress().getSocketAddress();
        return socket.getAddress() + ":" + socket.getPortValue();
    }

    @Test
    void aResolvedNameBecomesOneEndpointPerAddressWithTheSamePortLabelsAndWeight() {
        List<LbEndpoint> out = endpoints(new ResolvedHosts(Map.of("pay.example.com", List.of("10.0.0.1", "10.0.0.2"))));

        assertThat(out).extracting(DnsEndpointTranslationTest::address)
                .containsExactly("10.0.0.1:8443", "10.0.0.2:8443", "127.0.0.1:9001");
        for (LbEndpoint e : out.subList(0, 2)) {
            assertThat(e.getLoadBalancingWeight().getValue()).isEqualTo(3);
            assertThat(e.getMetadata().getFilterMetadataOrThrow(XdsNames.METADATA_NAMESPACE).getFieldsOrThrow(XdsNames.KEY_LABELS)
                    .getStructValue().getFieldsOrThrow("zone").getStringValue()).isEqualTo("eu");
        }
        assertThat(out.get(2).getLoadBalancingWeight().getValue()).isEqualTo(1);
    }

    @Test
    void anUnresolvedNameIsServedAsTheNameForTheProxyToResolve() {
        assertThat(endpoints(ResolvedHosts.NONE)).extracting(DnsEndpointTranslationTest::address)
                .containsExactly("pay.example.com:8443", "127.0.0.1:9001");
    }

    @Test
    void resolutionChangesTheEndpointsAndNothingElse() {
        XdsResources before = XdsTranslator.translate(RESOURCES, NODE, List.of(), ResolvedHosts.NONE);
        XdsResources after = XdsTranslator.translate(RESOURCES, NODE, List.of(),
                new ResolvedHosts(Map.of("pay.example.com", List.of("10.0.0.1"))));

        assertThat(after.endpoints()).isNotEqualTo(before.endpoints());
        assertThat(after.clusters()).isEqualTo(before.clusters());
        assertThat(after.listeners()).isEqualTo(before.listeners());
        assertThat(after.routes()).isEqualTo(before.routes());
    }
}
