package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.RetryBudget;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.RouteTable;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class XdsDecoderTest {
    static final XdsResources GOOD = XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml",
            DesignExampleRoundTripTest.YAML), ProxyNode.of("catalog", 9001));

    static Cluster cluster(String name) {
        return GOOD.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    static Route route(RouteAction.Builder action) {
        return Route.newBuilder().setName("r")
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(action).build();
    }

    static RouteConfiguration table(Route... routes) {
        return RouteConfiguration.newBuilder().setName("t")
                .addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains("*").addAllRoutes(List.of(routes))).build();
    }

    static XdsResources withListeners(UnaryOperator<List<Listener>> change) {
        return new XdsResources(change.apply(new ArrayList<>(GOOD.listeners())), GOOD.routes(), GOOD.clusters(), GOOD.endpoints());
    }

    static XdsResources withRoutes(UnaryOperator<List<RouteConfiguration>> change) {
        return new XdsResources(GOOD.listeners(), change.apply(new ArrayList<>(GOOD.routes())), GOOD.clusters(), GOOD.endpoints());
    }

    static <T> List<T> plus(List<T> list, T item) {
        list.add(item);
        return list;
    }

    @Test
    void decodesTheTranslatorsOutput() {
        var snapshot = XdsDecoder.decode(GOOD, Map.of());
        assertThat(snapshot.listeners()).containsOnlyKeys("outbound", "inbound");
        assertThat(snapshot.clusters()).containsOnlyKeys("catalog.default", "catalog-v1.default", "catalog-v2.default", "inbound|9001");
    }

    @Test
    void lbPolicies() {
        Cluster base = cluster("catalog.default");
        assertThat(ClusterDecoder.decode(base).cluster().lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.PEAK_EWMA);
        assertThat(ClusterDecoder.decode(base.toBuilder().clearMetadata().build()).cluster().lbPolicy())
                .isEqualTo(ClusterConfig.LbPolicy.LEAST_REQUEST);
        assertThat(ClusterDecoder.decode(base.toBuilder().setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).build()).cluster().lbPolicy())
                .isEqualTo(ClusterConfig.LbPolicy.ROUND_ROBIN);
        assertThatThrownBy(() -> ClusterDecoder.decode(base.toBuilder().setLbPolicy(Cluster.LbPolicy.RING_HASH).build()))
                .isInstanceOf(XdsResourceException.class)
                .hasMessage("cluster catalog.default: lb_policy: RING_HASH (expected: ROUND_ROBIN or LEAST_REQUEST)");
    }

    @Test
    void envoyDefaultsApplyToFieldsLeftUnset() {
        Cluster bare = Cluster.newBuilder().setName("plain").setType(Cluster.DiscoveryType.EDS).build();
        ClusterConfig c = ClusterDecoder.decode(bare).cluster();
        // as in Envoy: no outlier detection unless configured
        assertThat(c).isEqualTo(new ClusterConfig("plain", "plain", ClusterConfig.UpstreamProtocol.HTTP1,
                ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(5), ClusterConfig.DEFAULT_IDLE_TIMEOUT,
                CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, null, null));
        RouteTable t = RouteDecoder.decode(table(route(RouteAction.newBuilder().setCluster("plain"))));
        var action = t.virtualHosts().get(0).routes().get(0).action();
        assertThat(action.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(action.retry()).isEqualTo(dev.trellis.proxy.config.RetryPolicy.DEFAULT);
        assertThat(action.fault()).isNull();
        assertThat(action.rateLimit()).isNull();
    }

    @Test
    void unsupportedClusterShapes() {
        assertThatThrownBy(() -> ClusterDecoder.decode(Cluster.newBuilder().setName("o").setType(Cluster.DiscoveryType.ORIGINAL_DST).build()))
                .hasMessage("cluster o: type: ORIGINAL_DST (expected: EDS, STATIC, STRICT_DNS or LOGICAL_DNS)");
        assertThatThrownBy(() -> ClusterDecoder.decode(cluster("catalog.default").toBuilder()
                .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")).build()))
                .hasMessage("cluster catalog.default: transport_socket: envoy.transport_sockets.tls"
                        + " (expected: none; mutual TLS is configured through transport_socket_matches on tlsMode)");
        assertThatThrownBy(() -> ClusterDecoder.decode(cluster("catalog.default").toBuilder()
                .setConnectTimeout(com.google.protobuf.Duration.getDefaultInstance()).build()))
                .hasMessage("cluster catalog.default: connect_timeout: 0s (expected: > 0)");
        assertThatThrownBy(() -> ClusterDecoder.decode(cluster("catalog.default").toBuilder()
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(BoolValue.of(true))).build()))
                .hasMessageStartingWith("cluster catalog.default: typed_extension_protocol_options[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]: "
                        + "type.googleapis.com/google.protobuf.BoolValue (expected: ");
    }

    @Test
    void staticClustersCarryTheirEndpoints() {
        ClusterDecoder.Decoded local = ClusterDecoder.decode(cluster("inbound|9001"));
        assertThat(local.endpoints()).get().extracting(EndpointSet::cluster).isEqualTo("inbound|9001");
        assertThat(local.cluster().protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);
    }

    @Test
    void endpoints() {
        LbEndpoint up = LbEndpoint.newBuilder().setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(80)))).build();
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder()
                        .addLbEndpoints(up)
                        .addLbEndpoints(up.toBuilder().setHealthStatus(HealthStatus.UNHEALTHY))
                        .addLbEndpoints(up.toBuilder().setHealthStatus(HealthStatus.DRAINING)))
                .build();
        assertThat(EndpointDecoder.decode(cla).endpoints()).containsExactly(dev.trellis.proxy.config.Endpoint.of("10.0.0.1", 80));

        LbEndpoint portless = up.toBuilder().setEndpoint(up.getEndpoint().toBuilder().setAddress(
                Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("10.0.0.1")))).build();
        assertThatThrownBy(() -> EndpointDecoder.decode(cla.toBuilder().setEndpoints(0, LocalityLbEndpoints.newBuilder().addLbEndpoints(portless)).build()))
                .hasMessage("cluster load assignment c: endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> EndpointDecoder.decode(cla.toBuilder().setEndpoints(0, cla.getEndpoints(0).toBuilder().setPriority(1)).build()))
                .hasMessage("cluster load assignment c: endpoints[0].priority: 1 (expected: 0; priority failover is not supported)");
        assertThatThrownBy(() -> EndpointDecoder.decode(cla.toBuilder().setEndpoints(0, LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(up.toBuilder().setLoadBalancingWeight(UInt32Value.of(0)))).build()))
                .hasMessageStartingWith("cluster load assignment c: endpoints[0].lb_endpoints[0].load_balancing_weight: 0 (expected: 1..");
    }

    @Test
    void unsupportedListenerShapes() throws Exception {
        Listener outbound = GOOD.listeners().get(0);
        assertThatThrownBy(() -> ListenerDecoder.decode(outbound.toBuilder()
                .setFilterChains(0, FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("envoy.filters.network.redis_proxy"))).build()))
                .hasMessage("listener outbound: filter_chains[0].filters[0].name: envoy.filters.network.redis_proxy"
                        + " (expected: envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy)");
        HttpConnectionManager inline = HttpConnectionManager.newBuilder().setRouteConfig(RouteConfiguration.getDefaultInstance()).build();
        assertThatThrownBy(() -> ListenerDecoder.decode(outbound.toBuilder().setFilterChains(0, FilterChain.newBuilder().addFilters(
                Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(inline)))).build()))
                .hasMessage("listener outbound: filter_chains[0].filters[0].route_specifier: ROUTE_CONFIG (expected: rds)");
        HttpConnectionManager withFault = outbound.getFilterChains(0).getFilters(0).getTypedConfig().unpackSameTypeAs(HttpConnectionManager.getDefaultInstance())
                .toBuilder().addHttpFilters(0, HttpFilter.newBuilder().setName("envoy.filters.http.cors")).build();
        assertThatThrownBy(() -> ListenerDecoder.decode(outbound.toBuilder().setFilterChains(0, FilterChain.newBuilder().addFilters(
                Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(withFault)))).build()))
                .hasMessage("listener outbound: filter_chains[0].filters[0].http_filters[0].name: envoy.filters.http.cors"
                        + " (expected: envoy.filters.http.local_ratelimit or envoy.filters.http.fault)");
        assertThatThrownBy(() -> ListenerDecoder.decode(outbound.toBuilder().clearFilterChains().build()))
                .hasMessage("listener outbound: filter_chains: [] (expected: at least one filter chain)");
    }

    @Test
    void unsupportedRouteShapes() {
        assertThatThrownBy(() -> RouteDecoder.decode(table(Route.newBuilder().setName("r")
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/"))
                .setDirectResponse(DirectResponseAction.newBuilder().setStatus(503)).build())))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0]: direct_response (expected: route or redirect)");
        assertThatThrownBy(() -> RouteDecoder.decode(table(route(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a").setWeight(UInt32Value.of(0))))))))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].route.weighted_clusters: backends: total weight 0 (expected: > 0)");
        assertThatThrownBy(() -> RouteDecoder.decode(table(route(RouteAction.newBuilder().setCluster("a")
                .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx,retriable-4xx").setNumRetries(UInt32Value.of(2)))))))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].route.retry_policy.retry_on: retriable-4xx (expected: "
                        + "connect-failure, refused-stream, reset, 5xx, gateway-error, retriable-status-codes, cancelled, deadline-exceeded, "
                        + "internal, resource-exhausted, unavailable)");
        assertThatThrownBy(() -> RouteDecoder.decode(table(route(RouteAction.newBuilder().setCluster("a")).toBuilder()
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("/a("))).build())))
                .hasMessageStartingWith("route configuration t: virtual_hosts[0].routes[0].match.safe_regex.regex: \"/a(\" (expected: a regular expression; ");
        assertThatThrownBy(() -> RouteDecoder.decode(table(route(RouteAction.newBuilder().setCluster("a")
                .setAutoHostRewrite(com.google.protobuf.BoolValue.of(true))))))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].route: auto_host_rewrite (expected: prefix_rewrite, "
                        + "regex_rewrite or host_rewrite_literal)");
        assertThatThrownBy(() -> RouteDecoder.decode(table(route(RouteAction.newBuilder().setCluster("a").setPrefixRewrite("/v2")).toBuilder()
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("/a.*"))).build())))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].route.prefix_rewrite: set with a safe_regex match "
                        + "(expected: a prefix, path_separated_prefix or path match)");
    }

    @Test
    void domainsAreUniqueInARouteConfiguration() {
        RouteConfiguration twice = table(route(RouteAction.newBuilder().setCluster("a"))).toBuilder()
                .addVirtualHosts(VirtualHost.newBuilder().setName("other").addDomains("x").addDomains("*")).build();
        assertThatThrownBy(() -> RouteDecoder.decode(twice))
                .hasMessage("route configuration t: virtual_hosts[1].domains: * (expected: unique in the route configuration; virtual host vh has it)");
    }

    @Test
    void envoyMatchersWithoutADirectFormBecomeEquivalentRegexes() {
        Route r = route(RouteAction.newBuilder().setCluster("a")).toBuilder().setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder()
                .setPrefix("/ap")
                .addHeaders(HeaderMatcher.newBuilder().setName("x-gone").setPresentMatch(false))
                .addHeaders(HeaderMatcher.newBuilder().setName("X-Suffix").setStringMatch(
                        io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setSuffix(".com")))
                .addHeaders(HeaderMatcher.newBuilder().setName(":method").setExactMatch("get"))).build();
        RouteMatch m = RouteDecoder.decode(table(r)).virtualHosts().get(0).routes().get(0).match();
        assertThat(m.path().type()).isEqualTo(RouteMatch.MatchType.REGEX);
        assertThat(m.path().pattern().matcher("/api/x").matches()).isTrue();
        assertThat(m.path().pattern().matcher("/b").matches()).isFalse();
        assertThat(m.method()).isEqualTo("GET");
        assertThat(m.headers()).hasSize(2);
        assertThat(m.headers().get(0).invert()).isTrue();
        assertThat(m.headers().get(1).name()).isEqualTo("x-suffix");
        assertThat(m.headers().get(1).pattern().matcher("a.example.com").matches()).isTrue();
    }

    @Test
    void perTryTimeoutBelongsToTheRetryPolicy() {
        RouteTable t = RouteDecoder.decode(table(route(RouteAction.newBuilder().setCluster("a")
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                .setRetryPolicy(RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(0))
                        .setPerTryTimeout(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000))))));
        var action = t.virtualHosts().get(0).routes().get(0).action();
        assertThat(action.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(action.retry().perTryTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(action.retry().maxRetries()).isZero();
    }

    @Test
    void danglingReferencesAndDuplicatesAreRejected() {
        assertThatThrownBy(() -> XdsDecoder.decode(withRoutes(l -> plus(l, table(route(RouteAction.newBuilder().setCluster("nowhere"))))), Map.of()))
                .hasMessage("route configuration t: virtual host vh, route r: cluster: nowhere (expected: an existing cluster)");
        assertThatThrownBy(() -> XdsDecoder.decode(withRoutes(l -> l.subList(1, l.size())), Map.of()))
                .hasMessage("listener outbound: rds.route_config_name: outbound (expected: an existing route configuration)");
        assertThatThrownBy(() -> XdsDecoder.decode(withListeners(l -> plus(l, l.get(0))), Map.of()))
                .hasMessage("listener outbound: name: outbound (expected: unique; it appears twice)");
    }
}
