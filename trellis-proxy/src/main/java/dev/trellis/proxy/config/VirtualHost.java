package dev.trellis.proxy.config;

import java.util.List;
import java.util.Objects;

/**
 * Routes for one destination service.
 *
 * @param service the destination service this virtual host stands for (metrics label "dst_service")
 * @param domains authorities that select it, lower case: "catalog", "catalog:8080",
 *                "catalog.default.svc.cluster.local", or "*" for any
 * @param routes  tried in order; the first match wins
 */
public record VirtualHost(String name, String service, List<String> domains, List<Route> routes) {
    public VirtualHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
    }
}
