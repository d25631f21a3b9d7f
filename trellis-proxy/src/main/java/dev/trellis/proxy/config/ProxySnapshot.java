package dev.trellis.proxy.config;

import java.util.Map;
import java.util.Objects;

/**
 * Everything one proxy runs with, as one immutable value. An update builds a new snapshot and swaps it
 * in atomically, so a request sees either the old configuration or the new one, never half of each.
 *
 * @param versions    the xDS version in force per resource type (type URL short name, e.g. "clusters")
 * @param listeners   by name
 * @param routeTables by name (RDS route configuration name)
 * @param clusters    by name
 * @param endpoints   by cluster name
 */
public record ProxySnapshot(
        Map<String, String> versions,
        Map<String, ListenerConfig> listeners,
        Map<String, RouteTable> routeTables,
        Map<String, ClusterConfig> clusters,
        Map<String, EndpointSet> endpoints) {

    public static final ProxySnapshot EMPTY = new ProxySnapshot(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    public ProxySnapshot {
        versions = Map.copyOf(Objects.requireNonNull(versions, "versions"));
        listeners = Map.copyOf(Objects.requireNonNull(listeners, "listeners"));
        routeTables = Map.copyOf(Objects.requireNonNull(routeTables, "routeTables"));
        clusters = Map.copyOf(Objects.requireNonNull(clusters, "clusters"));
        endpoints = Map.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    }

    public EndpointSet endpointsOf(String cluster) {
        return endpoints.getOrDefault(cluster, EndpointSet.empty(cluster));
    }
}
