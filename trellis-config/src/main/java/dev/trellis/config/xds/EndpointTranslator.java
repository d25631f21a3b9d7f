package dev.trellis.config.xds;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.trellis.config.dns.ResolvedHosts;
import dev.trellis.config.resource.Service;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EDS: a Service's static endpoints plus the registered instances its selector picks. Each endpoint
 * carries filter metadata trellis = {meshed: bool, labels: {...}}. A static endpoint whose host is a
 * resolved DNS name becomes one endpoint per address (same port, labels, weight), as Envoy's STRICT_DNS.
 */
final class EndpointTranslator {
    private EndpointTranslator() {}

    static List<ClusterLoadAssignment> translate(List<Service> services, List<Instance> registered, ResolvedHosts dns) {
        List<ClusterLoadAssignment> out = new ArrayList<>();
        for (Service s : services) {
            LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
            for (Service.Endpoint e : s.endpoints()) {
                for (String host : dns.expand(e.host())) {
                    locality.addLbEndpoints(endpoint(host, e.port(), e.weight(), e.meshed(), e.labels()));
                }
            }
            if (!s.selector().isEmpty()) {
                for (Instance i : registered) {
                    if (i.namespace().equals(s.namespace()) && i.labels().entrySet().containsAll(s.selector().entrySet())) {
                        locality.addLbEndpoints(endpoint(i.host(), i.port(), i.weight(), i.meshed(), i.labels()));
                    }
                }
            }
            ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(XdsNames.cluster(s));
            if (locality.getLbEndpointsCount() > 0) {
                cla.addEndpoints(locality);
            }
            out.add(cla.build());
        }
        return out;
    }

    /** The application beside the proxy. */
    static ClusterLoadAssignment local(String cluster, int appPort) {
        return ClusterLoadAssignment.newBuilder()
                .setClusterName(cluster)
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint("127.0.0.1", appPort, 1, false, Map.of())))
                .build();
    }

    private static LbEndpoint endpoint(String host, int port, int weight, boolean meshed, Map<String, String> labels) {
        Map<String, Value> meta = new LinkedHashMap<>();
        meta.put(XdsNames.KEY_MESHED, Protos.bool(meshed));
        meta.put(XdsNames.KEY_LABELS, Protos.struct(labels));
        return LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))))
                .setLoadBalancingWeight(UInt32Value.of(weight))
                .setMetadata(Protos.trellisMetadata(meta))
                .build();
    }
}
