package dev.trellis.proxy.config;

import java.util.List;
import java.util.Objects;

/** The endpoints of one cluster (Envoy EDS ClusterLoadAssignment). */
public record EndpointSet(String cluster, List<Endpoint> endpoints) {
    public EndpointSet {
        Objects.requireNonNull(cluster, "cluster");
        endpoints = List.copyOf(endpoints);
    }

    public static EndpointSet empty(String cluster) {
        return new EndpointSet(cluster, List.of());
    }
}
