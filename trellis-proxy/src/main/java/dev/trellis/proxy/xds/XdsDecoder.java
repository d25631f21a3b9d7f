package dev.trellis.proxy.xds;

import dev.trellis.config.xds.XdsResources;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.MirrorPolicy;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.config.VirtualHost;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete set of xDS resources to one {@link ProxySnapshot}: each resource decoded and validated
 * (see the per-type decoders), names unique per type, and every reference resolved — a listener's route
 * configuration and TCP cluster, every route's clusters. Assignments for clusters that do not exist are
 * dropped, as Envoy ignores them.
 */
public final class XdsDecoder {
    private XdsDecoder() {}

    /**
     * @param versions the xDS version per resource type, recorded in the snapshot
     * @throws XdsResourceException naming the first resource and field that cannot be applied
     */
    public static ProxySnapshot decode(XdsResources xds, Map<String, String> versions) {
        Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
        Map<String, EndpointSet> endpoints = new LinkedHashMap<>();
        for (Cluster c : xds.clusters()) {
            ClusterDecoder.Decoded d = ClusterDecoder.decode(c);
            unique(clusters.put(d.cluster().name(), d.cluster()), ClusterDecoder.TYPE, c.getName());
            d.endpoints().ifPresent(e -> endpoints.put(e.cluster(), e));
        }
        Map<String, EndpointSet> assigned = new LinkedHashMap<>();
        for (ClusterLoadAssignment cla : xds.endpoints()) {
            EndpointSet set = EndpointDecoder.decode(cla);
            unique(assigned.put(set.cluster(), set), EndpointDecoder.TYPE, cla.getClusterName());
            if (endpoints.containsKey(set.cluster())) {
                throw new XdsResourceException(EndpointDecoder.TYPE, set.cluster(),
                        "cluster_name: " + set.cluster() + " (expected: an EDS cluster; this one has inline endpoints)");
            }
            if (clusters.containsKey(set.cluster())) {
                endpoints.put(set.cluster(), set);
            }
        }
        Map<String, RouteTable> tables = new LinkedHashMap<>();
        for (RouteConfiguration rc : xds.routes()) {
            RouteTable table = RouteDecoder.decode(rc);
            unique(tables.put(table.name(), table), RouteDecoder.TYPE, rc.getName());
            checkClusters(table, clusters);
        }
        Map<String, ListenerConfig> listeners = new LinkedHashMap<>();
        for (Listener l : xds.listeners()) {
            ListenerConfig config = ListenerDecoder.decode(l);
            unique(listeners.put(config.name(), config), ListenerDecoder.TYPE, l.getName());
            if (config.routeTable() != null && !tables.containsKey(config.routeTable())) {
                throw new XdsResourceException(ListenerDecoder.TYPE, config.name(), "rds.route_config_name: "
                        + config.routeTable() + " (expected: an existing route configuration)");
            }
            if (config.tcpCluster() != null && !clusters.containsKey(config.tcpCluster())) {
                throw new XdsResourceException(ListenerDecoder.TYPE, config.name(), "tcp_proxy.cluster: "
                        + config.tcpCluster() + " (expected: an existing cluster)");
            }
        }
        return new ProxySnapshot(versions, listeners, tables, clusters, endpoints);
    }

    private static void unique(Object previous, String type, String name) {
        if (previous != null) {
            throw new XdsResourceException(type, name, "name: " + name + " (expected: unique; it appears twice)");
        }
    }

    private static void checkClusters(RouteTable table, Map<String, ClusterConfig> clusters) {
        for (VirtualHost vh : table.virtualHosts()) {
            for (Route route : vh.routes()) {
                for (RouteAction.WeightedCluster backend : route.action().backends()) {
                    checkCluster(table, vh, route, "cluster", backend.cluster(), clusters);
                }
                for (MirrorPolicy mirror : route.action().mirrors()) {
                    checkCluster(table, vh, route, "request_mirror_policies.cluster", mirror.cluster(), clusters);
                }
            }
        }
    }

    private static void checkCluster(RouteTable table, VirtualHost vh, Route route, String field, String cluster,
                                     Map<String, ClusterConfig> clusters) {
        if (!clusters.containsKey(cluster)) {
            throw new XdsResourceException(RouteDecoder.TYPE, table.name(), "virtual host " + vh.name()
                    + ", route " + route.name() + ": " + field + ": " + cluster + " (expected: an existing cluster)");
        }
    }
}
