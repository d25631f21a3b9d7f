package dev.trellis.controlplane.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Service;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.config.xds.XdsResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The mesh as a proxyless gRPC client (grpc-java's xds resolver) consumes it: one API listener per name a
 * Service is called by ("catalog", "catalog:8080", "catalog.default", ...), each routing through the
 * shared "outbound" route configuration, plus the Service clusters and their endpoints. gRPC does not
 * know Envoy's path_separated_prefix; those matches become the equivalent safe_regex. gRPC has no redirects and
 * refuses a whole route configuration with one, so routes that redirect are left out. Clusters lose their
 * transport sockets (see {@link #plaintext}) and localities get the weight gRPC requires.
 */
final class ProxylessResources {
    private ProxylessResources() {}

    static XdsResources adapt(XdsResources translated, ResourceSet resources) {
        Set<String> names = new LinkedHashSet<>();
        for (Service s : resources.services()) {
            if (s.protocol().isHttp()) {
                names.addAll(XdsNames.domains(s));
            }
        }
        List<Listener> listeners = new ArrayList<>();
        for (String name : names) {
            listeners.add(Listener.newBuilder()
                    .setName(name)
                    .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm())))
                    .build());
        }
        List<RouteConfiguration> routes = translated.routes().stream()
                .filter(r -> r.getName().equals(XdsNames.OUTBOUND_ROUTES))
                .map(ProxylessResources::forGrpc)
                .toList();
        List<Cluster> clusters = translated.clusters().stream().map(ProxylessResources::plaintext).toList();
        List<ClusterLoadAssignment> endpoints = translated.endpoints().stream().map(ProxylessResources::weighted).toList();
        return new XdsResources(listeners, routes, clusters, endpoints);
    }

    /**
     * Without the sidecar's transport sockets: gRPC refuses transport_socket_matches, and a proxyless
     * client has no workload certificate to present (it reaches plaintext or permissive endpoints).
     */
    private static Cluster plaintext(Cluster c) {
        return c.toBuilder().clearTransportSocketMatches().clearTransportSocket().build();
    }

    /** gRPC ignores a locality without a load_balancing_weight (as no endpoints at all); Envoy needs none. */
    private static ClusterLoadAssignment weighted(ClusterLoadAssignment cla) {
        ClusterLoadAssignment.Builder b = cla.toBuilder();
        for (LocalityLbEndpoints.Builder l : b.getEndpointsBuilderList()) {
            if (!l.hasLoadBalancingWeight()) {
                l.setLoadBalancingWeight(UInt32Value.of(1));
            }
        }
        return b.build();
    }

    private static HttpConnectionManager hcm() {
        return HttpConnectionManager.newBuilder()
                .setStatPrefix(XdsNames.OUTBOUND_LISTENER)
                .setRds(Rds.newBuilder()
                        .setConfigSource(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3))
                        .setRouteConfigName(XdsNames.OUTBOUND_ROUTES))
                // gRPC implements fault injection; routes' fault settings apply to proxyless clients too
                .addHttpFilters(HttpFilter.newBuilder().setName(XdsNames.FAULT).setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
                .addHttpFilters(HttpFilter.newBuilder().setName(XdsNames.ROUTER).setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
    }

    private static RouteConfiguration forGrpc(RouteConfiguration rc) {
        RouteConfiguration.Builder b = rc.toBuilder();
        for (VirtualHost.Builder vh : b.getVirtualHostsBuilderList()) {
            for (int i = vh.getRoutesCount() - 1; i >= 0; i--) {
                if (vh.getRoutes(i).getActionCase() == Route.ActionCase.REDIRECT) {
                    vh.removeRoutes(i);
                }
            }
            for (Route.Builder r : vh.getRoutesBuilderList()) {
                RouteMatch m = r.getMatch();
                if (m.getPathSpecifierCase() == RouteMatch.PathSpecifierCase.PATH_SEPARATED_PREFIX) {
                    // the prefix itself, or the prefix followed by '/' and anything
                    String regex = Pattern.quote(m.getPathSeparatedPrefix()) + "(/.*)?";
                    r.setMatch(m.toBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)));
                }
            }
        }
        return b.build();
    }
}
