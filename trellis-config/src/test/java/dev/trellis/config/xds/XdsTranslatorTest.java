package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsTranslatorTest {
    static final String YAML = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              selector: {app: catalog}
              endpoints: [{address: "127.0.0.1:9001", labels: {version: v1}, weight: 2, meshed: true}]
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog-v2}
            spec: {protocol: grpc, port: 8080}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: db, namespace: data}
            spec: {protocol: tcp, port: 5432, endpoints: [{address: "127.0.0.1:15432"}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catalog-split}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              hostnames: [Catalog.Example.com]
              rules:
                - matches:
                    - path: {type: PathPrefix, value: /admin/}
                      headers: [{name: x-canary, value: "1"}, {type: RegularExpression, name: x-user, value: "a.*"}]
                      queryParams: [{name: debug, value: "on"}]
                      method: POST
                  backendRefs: [{name: catalog-v2}]
                - name: canary
                  backendRefs: [{name: catalog, weight: 90}, {name: catalog-v2, weight: 10}]
                  timeouts: {request: 2s, backendRequest: 500ms}
            """;

    static final ResourceSet RESOURCES = ConfigLoader.standard().parse("mesh.yaml", YAML);

    static XdsResources translate(ProxyNode node) {
        return XdsTranslator.translate(RESOURCES, node);
    }

    static <T> T named(List<T> items, java.util.function.Function<T, String> name, String wanted) {
        return items.stream().filter(i -> name.apply(i).equals(wanted)).findFirst().orElseThrow();
    }

    static Value trellis(com.google.protobuf.GeneratedMessage withMetadata, String key) throws Exception {
        var metadata = (io.envoyproxy.envoy.config.core.v3.Metadata) withMetadata.getClass().getMethod("getMetadata").invoke(withMetadata);
        return metadata.getFilterMetadataOrThrow("trellis").getFieldsOrThrow(key);
    }

    @Test
    void outboundListenerUsesRdsOverAds() throws InvalidProtocolBufferException {
        Listener outbound = named(translate(ProxyNode.of("web", 0)).listeners(), Listener::getName, "outbound");
        assertThat(outbound.getTrafficDirection()).isEqualTo(TrafficDirection.OUTBOUND);
        assertThat(outbound.getFilterChainsCount()).isEqualTo(1);
        var filter = outbound.getFilterChains(0).getFilters(0);
        assertThat(filter.getName()).isEqualTo("envoy.filters.network.http_connection_manager");
        HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
        assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("outbound");
        assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
        assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName()).containsExactly(
                "envoy.filters.http.local_ratelimit", "envoy.filters.http.fault", "envoy.filters.http.router");
    }

    @Test
    void clientOnlyProxyHasNoInboundSide() {
        XdsResources xds = translate(ProxyNode.of("web", 0));
        assertThat(xds.listeners()).extracting(Listener::getName).containsExactly("outbound", "outbound_tcp_5432");
        assertThat(xds.routes()).extracting(RouteConfiguration::getName).containsExactly("outbound");
        assertThat(xds.clusters()).extracting(Cluster::getName).containsExactly("db.data", "catalog.default", "catalog-v2.default");
    }

    @Test
    void inboundListenerDetectsHttpAndFallsBackToTcp() throws InvalidProtocolBufferException {
        Listener inbound = named(translate(ProxyNode.of("catalog", 9001)).listeners(), Listener::getName, "inbound");
        assertThat(inbound.getTrafficDirection()).isEqualTo(TrafficDirection.INBOUND);
        // PERMISSIVE by default: TLS is told apart first, then HTTP
        assertThat(inbound.getListenerFiltersList()).extracting(f -> f.getName())
                .containsExactly("envoy.filters.listener.tls_inspector", "envoy.filters.listener.http_inspector");
        assertThat(inbound.getListenerFiltersTimeout()).isEqualTo(Duration.newBuilder().setSeconds(1).build());
        assertThat(inbound.getContinueOnListenerFiltersTimeout()).isTrue();
        assertThat(inbound.getFilterChains(0).getFilterChainMatch().getApplicationProtocolsList()).containsExactly("http/1.1", "h2c");
        assertThat(inbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class)
                .getRds().getRouteConfigName()).isEqualTo("inbound");
        assertThat(inbound.getDefaultFilterChain().getFilters(0).getTypedConfig().unpack(TcpProxy.class).getCluster())
                .isEqualTo("inbound|9001");
    }

    @Test
    void tcpServices() throws InvalidProtocolBufferException {
        XdsResources xds = translate(new ProxyNode("db", "data", 15432));
        Listener tcp = named(xds.listeners(), Listener::getName, "outbound_tcp_5432");
        assertThat(tcp.getAddress().getSocketAddress().getPortValue()).isEqualTo(5432);
        assertThat(tcp.getFilterChains(0).getFilters(0).getTypedConfig().unpack(TcpProxy.class).getCluster()).isEqualTo("db.data");
        Listener inbound = named(xds.listeners(), Listener::getName, "inbound");
        assertThat(inbound.getListenerFiltersList()).extracting(f -> f.getName()).containsExactly("envoy.filters.listener.tls_inspector");
        assertThat(inbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(TcpProxy.class).getCluster()).isEqualTo("inbound|15432");
        RouteConfiguration outbound = named(xds.routes(), RouteConfiguration::getName, "outbound");
        assertThat(outbound.getVirtualHostsList()).extracting(VirtualHost::getName).containsExactly("catalog.default", "catalog-v2.default");
        Cluster db = named(xds.clusters(), Cluster::getName, "db.data");
        assertThat(db.getTypedExtensionProtocolOptionsMap()).isEmpty();
    }

    @Test
    void virtualHostsAndRoutes() throws Exception {
        RouteConfiguration outbound = translate(ProxyNode.of("web", 0)).routes().get(0);
        VirtualHost catalog = named(outbound.getVirtualHostsList(), VirtualHost::getName, "catalog.default");
        assertThat(catalog.getDomainsList()).containsExactly("catalog", "catalog:8080", "catalog.default", "catalog.default:8080",
                "catalog.default.svc.cluster.local", "catalog.default.svc.cluster.local:8080", "catalog.example.com");
        assertThat(trellis(catalog, "service").getStringValue()).isEqualTo("catalog");
        assertThat(catalog.getRoutesList()).extracting(Route::getName).as("a rule is named by its index, or its name when it has one").containsExactly("catalog-split/0", "catalog-split/canary");

        Route admin = catalog.getRoutes(0);
        assertThat(admin.getMatch().getPathSeparatedPrefix()).isEqualTo("/admin");
        assertThat(admin.getMatch().getHeadersList()).containsExactly(
                HeaderMatcher.newBuilder().setName("x-canary").setStringMatch(StringMatcher.newBuilder().setExact("1")).build(),
                HeaderMatcher.newBuilder().setName("x-user").setStringMatch(StringMatcher.newBuilder()
                        .setSafeRegex(io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder().setRegex("a.*"))).build(),
                HeaderMatcher.newBuilder().setName(":method").setStringMatch(StringMatcher.newBuilder().setExact("POST")).build());
        assertThat(admin.getMatch().getQueryParameters(0).getName()).isEqualTo("debug");
        assertThat(admin.getMatch().getQueryParameters(0).getStringMatch().getExact()).isEqualTo("on");
        assertThat(admin.getRoute().getCluster()).isEqualTo("catalog-v2.default");
        assertThat(admin.getRoute().getTimeout()).isEqualTo(Duration.getDefaultInstance());
        assertThat(admin.getRoute().hasTimeout()).isTrue();

        Route split = catalog.getRoutes(1);
        assertThat(split.getMatch().getPrefix()).isEqualTo("/");
        assertThat(split.getRoute().getWeightedClusters().getClustersList()).containsExactly(
                WeightedCluster.ClusterWeight.newBuilder().setName("catalog.default").setWeight(UInt32Value.of(90)).build(),
                WeightedCluster.ClusterWeight.newBuilder().setName("catalog-v2.default").setWeight(UInt32Value.of(10)).build());
        assertThat(split.getRoute().getTimeout()).isEqualTo(Duration.newBuilder().setSeconds(2).build());
        assertThat(split.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(2);
        assertThat(split.getRoute().getRetryPolicy().getRetryOn()).isEqualTo("connect-failure,refused-stream,reset");
        assertThat(split.getRoute().getRetryPolicy().getPerTryTimeout()).isEqualTo(Duration.newBuilder().setNanos(500_000_000).build());
        assertThat(admin.getRoute().getRetryPolicy().hasPerTryTimeout()).isFalse();

        VirtualHost v2 = named(outbound.getVirtualHostsList(), VirtualHost::getName, "catalog-v2.default");
        assertThat(v2.getRoutesList()).singleElement().satisfies(r -> {
            assertThat(r.getName()).isEqualTo("default");
            assertThat(r.getMatch().getPrefix()).isEqualTo("/");
            assertThat(r.getRoute().getCluster()).isEqualTo("catalog-v2.default");
        });
    }

    @Test
    void inboundRoutesGoToTheLocalApplication() {
        RouteConfiguration inbound = named(translate(ProxyNode.of("catalog", 9001)).routes(), RouteConfiguration::getName, "inbound");
        assertThat(inbound.getVirtualHostsList()).singleElement().satisfies(vh -> {
            assertThat(vh.getDomainsList()).containsExactly("*");
            assertThat(vh.getRoutes(0).getName()).isEqualTo("inbound");
            assertThat(vh.getRoutes(0).getRoute().getCluster()).isEqualTo("inbound|9001");
        });
    }

    @Test
    void clusters() throws Exception {
        XdsResources xds = translate(ProxyNode.of("catalog-v2", 7000));
        Cluster catalog = named(xds.clusters(), Cluster::getName, "catalog.default");
        assertThat(catalog.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
        assertThat(catalog.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
        assertThat(catalog.getEdsClusterConfig().getServiceName()).isEqualTo("catalog.default");
        assertThat(catalog.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
        assertThat(trellis(catalog, "lb").getStringValue()).isEqualTo("peak_ewma");
        assertThat(trellis(catalog, "protocol").getStringValue()).isEqualTo("http");
        assertThat(catalog.getConnectTimeout()).isEqualTo(Duration.newBuilder().setSeconds(1).build());
        HttpProtocolOptions h1 = catalog.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .unpack(HttpProtocolOptions.class);
        assertThat(h1.getExplicitHttpConfig().hasHttpProtocolOptions()).isTrue();

        Cluster grpc = named(xds.clusters(), Cluster::getName, "catalog-v2.default");
        assertThat(trellis(grpc, "protocol").getStringValue()).isEqualTo("grpc");
        HttpProtocolOptions h2 = grpc.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .unpack(HttpProtocolOptions.class);
        assertThat(h2.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
        assertThat(h2.getCommonHttpProtocolOptions().getIdleTimeout()).isEqualTo(Duration.newBuilder().setSeconds(60).build());

        Cluster local = named(xds.clusters(), Cluster::getName, "inbound|7000");
        assertThat(local.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
        assertThat(trellis(local, "protocol").getStringValue()).isEqualTo("grpc");
        var address = local.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
        assertThat(address.getAddress()).isEqualTo("127.0.0.1");
        assertThat(address.getPortValue()).isEqualTo(7000);
    }

    @Test
    void endpointsCarryWeightsAndTrellisMetadata() throws Exception {
        Instance registered = new Instance("default", "10.0.0.7", 8080, Map.of("app", "catalog", "version", "v3"), 1, true);
        Instance elsewhere = new Instance("other", "10.0.0.8", 8080, Map.of("app", "catalog"), 1, true);
        Instance unrelated = new Instance("default", "10.0.0.9", 8080, Map.of("app", "web"), 1, true);
        XdsResources xds = XdsTranslator.translate(RESOURCES, ProxyNode.of("web", 0), List.of(registered, elsewhere, unrelated));
        ClusterLoadAssignment catalog = named(xds.endpoints(), ClusterLoadAssignment::getClusterName, "catalog.default");
        List<LbEndpoint> endpoints = catalog.getEndpoints(0).getLbEndpointsList();
        assertThat(endpoints).extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
                .containsExactly("127.0.0.1", "10.0.0.7");
        assertThat(endpoints.get(0).getLoadBalancingWeight().getValue()).isEqualTo(2);
        assertThat(trellis(endpoints.get(0), "meshed").getBoolValue()).isTrue();
        assertThat(trellis(endpoints.get(0), "labels").getStructValue()).isEqualTo(
                Struct.newBuilder().putFields("version", Value.newBuilder().setStringValue("v1").build()).build());
        assertThat(named(xds.endpoints(), ClusterLoadAssignment::getClusterName, "catalog-v2.default").getEndpointsCount()).isZero();
    }
}
