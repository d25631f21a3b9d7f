package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction.WeightedCluster;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.config.VirtualHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** YAML -> xDS -> ProxySnapshot for the example of the design document. */
class DesignExampleRoundTripTest {
    static final String YAML = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog, namespace: default}
            spec:
              protocol: http
              port: 8080
              selector: {app: catalog}
              endpoints:
                - {address: "127.0.0.1:9001", labels: {version: v1}}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog-v1}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9001", labels: {version: v1}, meshed: true}]
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog-v2}
            spec:
              protocol: grpc
              port: 8080
              endpoints: [{address: "127.0.0.1:9002", weight: 3}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catalog-split}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - matches: [{path: {type: PathPrefix, value: /admin}, headers: [{name: x-canary, value: "1"}]}]
                  backendRefs: [{name: catalog-v2}]
                - backendRefs: [{name: catalog-v1, weight: 90}, {name: catalog-v2, weight: 10}]
                  timeouts: {request: 2s}
            """;

    static ProxySnapshot snapshot(ProxyNode node) {
        var resources = ConfigLoader.standard().parse("mesh.yaml", YAML);
        return XdsDecoder.decode(XdsTranslator.translate(resources, node), Map.of("clusters", "7"));
    }

    @Test
    void routesTheDesignExample() {
        ProxySnapshot s = snapshot(ProxyNode.of("web", 0));

        assertThat(s.versions()).containsEntry("clusters", "7");
        VirtualHost catalog = s.routeTables().get("outbound").virtualHosts().stream()
                .filter(vh -> vh.service().equals("catalog")).findFirst().orElseThrow();
        assertThat(catalog.domains()).containsExactly("catalog", "catalog:8080", "catalog.default", "catalog.default:8080",
                "catalog.default.svc.cluster.local", "catalog.default.svc.cluster.local:8080");
        assertThat(catalog.routes()).extracting(Route::name).containsExactly("catalog-split/0", "catalog-split/1");

        Route canary = catalog.routes().get(0);
        assertThat(canary.match().path()).isEqualTo(RouteMatch.PathMatch.prefix("/admin"));
        assertThat(canary.match().headers()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("x-canary");
            assertThat(h.type()).isEqualTo(RouteMatch.MatchType.EXACT);
            assertThat(h.value()).isEqualTo("1");
        });
        assertThat(canary.action().backends()).containsExactly(new WeightedCluster("catalog-v2.default", 1));
        assertThat(canary.action().timeout()).isEqualTo(Duration.ZERO);

        Route split = catalog.routes().get(1);
        assertThat(split.match()).isEqualTo(RouteMatch.ANY);
        assertThat(split.action().backends()).containsExactly(
                new WeightedCluster("catalog-v1.default", 90), new WeightedCluster("catalog-v2.default", 10));
        assertThat(split.action().timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void servicesWithoutRoutesGetTheImplicitDefaultRoute() {
        ProxySnapshot s = snapshot(ProxyNode.of("web", 0));
        VirtualHost v1 = s.routeTables().get("outbound").virtualHosts().stream()
                .filter(vh -> vh.service().equals("catalog-v1")).findFirst().orElseThrow();
        assertThat(v1.routes()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("default");
            assertThat(r.match()).isEqualTo(RouteMatch.ANY);
            assertThat(r.action().backends()).containsExactly(new WeightedCluster("catalog-v1.default", 1));
        });
    }

    @Test
    void clustersAndEndpoints() {
        ProxySnapshot s = snapshot(ProxyNode.of("web", 0));
        // PERMISSIVE by default: meshed endpoints are called over mutual TLS, verifying the Service's SPIFFE ID
        assertThat(s.clusters().get("catalog.default")).isEqualTo(new ClusterConfig("catalog.default", "catalog",
                ClusterConfig.UpstreamProtocol.HTTP1, ClusterConfig.LbPolicy.PEAK_EWMA, Duration.ofSeconds(1), Duration.ofSeconds(60))
                .withTls(UpstreamTls.of("spiffe://cluster.local/ns/default/sa/catalog")));
        assertThat(s.clusters().get("catalog-v2.default").protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP2);
        assertThat(s.endpointsOf("catalog.default").endpoints())
                .containsExactly(new Endpoint("127.0.0.1", 9001, 1, Map.of("version", "v1"), false));
        assertThat(s.endpointsOf("catalog-v1.default").endpoints()).singleElement().extracting(Endpoint::meshed).isEqualTo(true);
        assertThat(s.endpointsOf("catalog-v2.default").endpoints()).singleElement().extracting(Endpoint::weight).isEqualTo(3);
    }

    @Test
    void listenersOfAClientOnlyProxy() {
        ProxySnapshot s = snapshot(ProxyNode.of("web", 0));
        assertThat(s.listeners()).containsOnlyKeys("outbound");
        ListenerConfig outbound = s.listeners().get("outbound");
        assertThat(outbound.direction()).isEqualTo(ListenerConfig.Direction.OUTBOUND);
        assertThat(outbound.protocol()).isEqualTo(ListenerConfig.ListenerProtocol.HTTP);
        assertThat(outbound.routeTable()).isEqualTo("outbound");
        assertThat(outbound.detectProtocol()).isFalse();
    }

    @Test
    void inboundSideOfAServiceInstance() {
        ProxySnapshot s = snapshot(ProxyNode.of("catalog-v2", 9002));
        ListenerConfig inbound = s.listeners().get("inbound");
        assertThat(inbound).isEqualTo(new ListenerConfig("inbound", ListenerConfig.Direction.INBOUND, 0,
                ListenerConfig.ListenerProtocol.HTTP, "inbound", "inbound|9002", true, Duration.ofSeconds(1), TlsMode.PERMISSIVE));
        assertThat(s.routeTables().get("inbound").virtualHosts()).singleElement().satisfies(vh -> {
            assertThat(vh.domains()).containsExactly("*");
            assertThat(vh.service()).isEqualTo("catalog-v2");
            assertThat(vh.routes()).extracting(Route::name).containsExactly("inbound");
            assertThat(vh.routes().get(0).action().backends()).containsExactly(new WeightedCluster("inbound|9002", 1));
        });
        ClusterConfig local = s.clusters().get("inbound|9002");
        assertThat(local.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP2);
        assertThat(local.service()).isEqualTo("catalog-v2");
        assertThat(s.endpointsOf("inbound|9002").endpoints()).containsExactly(Endpoint.of("127.0.0.1", 9002));
        assertThat(List.copyOf(s.endpoints().keySet())).contains("inbound|9002");
    }
}
