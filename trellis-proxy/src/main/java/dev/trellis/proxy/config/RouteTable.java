package dev.trellis.proxy.config;

import java.util.List;
import java.util.Objects;

/** A route configuration (Envoy RDS): virtual hosts picked by the request's authority. */
public record RouteTable(String name, List<VirtualHost> virtualHosts) {
    public RouteTable {
        Objects.requireNonNull(name, "name");
        virtualHosts = List.copyOf(virtualHosts);
    }
}
