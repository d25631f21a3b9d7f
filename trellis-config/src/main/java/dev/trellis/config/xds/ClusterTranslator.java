package dev.trellis.config.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Value;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.Service;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CDS: one EDS cluster per Service, plus the STATIC cluster "inbound|&lt;appPort&gt;" for the local
 * application. Trellis's default balancer, peak EWMA, has no Envoy enum: it is sent as LEAST_REQUEST
 * (the closest Envoy policy, what a real Envoy would run) with filter metadata trellis.lb = peak_ewma.
 */
final class ClusterTranslator {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private ClusterTranslator() {}

    static List<Cluster> translate(List<Service> services, ProxyNode node, Optional<Service> own) {
        List<Cluster> out = new ArrayList<>();
        for (Service s : services) {
            Cluster.Builder c = base(XdsNames.cluster(s), s.name(), s.protocol())
                    .setType(Cluster.DiscoveryType.EDS)
                    .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                            .setEdsConfig(Protos.ads())
                            .setServiceName(XdsNames.cluster(s)))
                    .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
            c.setMetadata(Protos.trellisMetadata(metadata(s.name(), s.protocol(), XdsNames.LB_PEAK_EWMA)));
            out.add(c.build());
        }
        if (node.appPort() > 0) {
            Protocol protocol = own.map(Service::protocol).orElse(Protocol.HTTP);
            String name = XdsNames.inboundCluster(node.appPort());
            ClusterLoadAssignment local = EndpointTranslator.local(name, node.appPort());
            out.add(base(name, own.map(Service::name).orElse(node.serviceName()), protocol)
                    .setType(Cluster.DiscoveryType.STATIC)
                    .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                    .setLoadAssignment(local)
                    .setMetadata(Protos.trellisMetadata(metadata(own.map(Service::name).orElse(node.serviceName()), protocol, null)))
                    .build());
        }
        return out;
    }

    private static Cluster.Builder base(String name, String service, Protocol protocol) {
        Cluster.Builder c = Cluster.newBuilder()
                .setName(name)
                .setAltStatName(service)
                .setConnectTimeout(Protos.duration(CONNECT_TIMEOUT));
        if (protocol.isHttp()) {
            HttpProtocolOptions.ExplicitHttpConfig.Builder explicit = HttpProtocolOptions.ExplicitHttpConfig.newBuilder();
            if (protocol.isHttp2()) {
                explicit.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
            } else {
                explicit.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
            }
            HttpProtocolOptions options = HttpProtocolOptions.newBuilder()
                    .setExplicitHttpConfig(explicit)
                    .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                            .setIdleTimeout(Protos.duration(IDLE_TIMEOUT)))
                    .build();
            c.putTypedExtensionProtocolOptions(XdsNames.HTTP_PROTOCOL_OPTIONS, Any.pack(options));
        }
        return c;
    }

    private static Map<String, Value> metadata(String service, Protocol protocol, String lb) {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put(XdsNames.KEY_SERVICE, Protos.string(service));
        m.put(XdsNames.KEY_PROTOCOL, Protos.string(protocol.yamlName()));
        if (lb != null) {
            m.put(XdsNames.KEY_LB, Protos.string(lb));
        }
        return m;
    }
}
