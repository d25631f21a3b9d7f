package dev.trellis.proxy.xds;

import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;

/**
 * EDS ClusterLoadAssignment to {@link EndpointSet}. Localities are flattened (one zone); endpoints whose
 * health status is UNHEALTHY, DRAINING or TIMEOUT are left out, as Envoy does.
 */
public final class EndpointDecoder {
    static final String TYPE = "cluster load assignment";

    private EndpointDecoder() {}

    public static EndpointSet decode(ClusterLoadAssignment cla) {
        return decode(cla, cla.getClusterName(), TYPE);
    }

    /** Also for a cluster's inline load_assignment, reported as part of that cluster. */
    static EndpointSet decode(ClusterLoadAssignment cla, String name, String type) {
        if (name.isEmpty()) {
            throw new XdsResourceException(type, name, "cluster_name: \"\" (expected: a cluster name)");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (int l = 0; l < cla.getEndpointsCount(); l++) {
            LocalityLbEndpoints locality = cla.getEndpoints(l);
            String field = "endpoints[" + l + "]";
            if (locality.getPriority() != 0) {
                throw new XdsResourceException(type, name, field + ".priority: " + locality.getPriority()
                        + " (expected: 0; priority failover is not supported)");
            }
            if (locality.hasLedsClusterLocalityConfig()) {
                throw new XdsResourceException(type, name, field + ".leds_cluster_locality_config: set (expected: inline lb_endpoints)");
            }
            for (int i = 0; i < locality.getLbEndpointsCount(); i++) {
                Endpoint e = endpoint(locality.getLbEndpoints(i), name, type, field + ".lb_endpoints[" + i + "]");
                if (e != null) {
                    endpoints.add(e);
                }
            }
        }
        return new EndpointSet(name, endpoints);
    }

    private static Endpoint endpoint(LbEndpoint lb, String name, String type, String field) {
        HealthStatus health = lb.getHealthStatus();
        if (health == HealthStatus.UNHEALTHY || health == HealthStatus.DRAINING || health == HealthStatus.TIMEOUT) {
            return null;
        }
        if (!lb.hasEndpoint()) {
            throw new XdsResourceException(type, name, field + ".endpoint: missing (expected: an endpoint with an address)");
        }
        if (!lb.getEndpoint().getAddress().hasSocketAddress()) {
            throw new XdsResourceException(type, name, field + ".endpoint.address: not a socket address (expected: host and port_value)");
        }
        SocketAddress socket = lb.getEndpoint().getAddress().getSocketAddress();
        if (socket.getAddress().isEmpty()) {
            throw new XdsResourceException(type, name, field + ".endpoint.address.socket_address.address: \"\" (expected: a host)");
        }
        if (socket.getPortSpecifierCase() != SocketAddress.PortSpecifierCase.PORT_VALUE
                || socket.getPortValue() < 1 || socket.getPortValue() > 65535) {
            throw new XdsResourceException(type, name, field + ".endpoint.address.socket_address.port_value: "
                    + socket.getPortValue() + " (expected: 1..65535)");
        }
        int weight = lb.hasLoadBalancingWeight() ? lb.getLoadBalancingWeight().getValue() : 1;
        if (weight <= 0) {
            throw new XdsResourceException(type, name, field + ".load_balancing_weight: " + Integer.toUnsignedString(weight)
                    + " (expected: 1.." + Integer.MAX_VALUE + ")");
        }
        return new Endpoint(socket.getAddress(), socket.getPortValue(), weight,
                TrellisMetadata.strings(lb.getMetadata(), XdsNames.KEY_LABELS),
                TrellisMetadata.bool(lb.getMetadata(), XdsNames.KEY_MESHED));
    }
}
