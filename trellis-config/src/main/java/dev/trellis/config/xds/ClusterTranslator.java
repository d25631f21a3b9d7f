package dev.trellis.config.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Value;
import dev.trellis.config.load.PeerAuthenticationKind;
import dev.trellis.config.resource.PeerAuthentication.MtlsMode;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.Service;
import dev.trellis.config.resource.TrafficPolicy;
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
import java.util.function.Function;

/**
 * CDS: one EDS cluster per Service, shaped by its {@link TrafficPolicy} (see {@link ClusterPolicies}), plus the
 * STATIC cluster "inbound|&lt;appPort&gt;" for the local application. Trellis's default balancer, peak EWMA, has no
 * Envoy enum: it is sent as LEAST_REQUEST (the closest Envoy policy, what a real Envoy would run) with filter
 * metadata trellis.lb = peak_ewma.
 */
final class ClusterTranslator {
    static final Duration CONNECT_TIMEOUT = TrafficPolicy.DEFAULT_CONNECT_TIMEOUT;
    static final Duration IDLE_TIMEOUT = TrafficPolicy.DEFAULT_IDLE_TIMEOUT;

    private ClusterTranslator() {}

    static List<Cluster> translate(List<Service> services, ProxyNode node, Optional<Service> own,
                                   Function<Service, TrafficPolicy> policies) {
        return translate(services, node, own, policies, s -> PeerAuthenticationKind.DEFAULT_MODE);
    }

    /** @param modes each destination's mutual TLS mode: unless DISABLE, its meshed endpoints are called over mutual TLS */
    static List<Cluster> translate(List<Service> services, ProxyNode node, Optional<Service> own,
                                   Function<Service, TrafficPolicy> policies, Function<Service, MtlsMode> modes) {
        List<Cluster> out = new ArrayList<>();
        for (Service s : services) {
            TrafficPolicy policy = policies.apply(s);
            Cluster.Builder c = base(XdsNames.cluster(s), s.name(), s.protocol(), policy.idleTimeout())
                    .setType(Cluster.DiscoveryType.EDS)
                    .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                            .setEdsConfig(Protos.ads())
                            .setServiceName(XdsNames.cluster(s)));
            Map<String, Value> metadata = metadata(s.name(), s.protocol());
            ClusterPolicies.apply(c, policy, metadata);
            if (TlsTranslator.acceptsTls(modes.apply(s))) {
                TlsTranslator.upstream(c, TlsTranslator.spiffeId(s.namespace(), s.name()));
            }
            out.add(c.setMetadata(Protos.trellisMetadata(metadata)).build());
        }
        if (node.appPort() > 0) {
            // the local application: no outlier detection or retries (one endpoint), Envoy's default limits
            Protocol protocol = own.map(Service::protocol).orElse(Protocol.HTTP);
            String name = XdsNames.inboundCluster(node.appPort());
            String service = own.map(Service::name).orElse(node.serviceName());
            ClusterLoadAssignment local = EndpointTranslator.local(name, node.appPort());
            out.add(base(name, service, protocol, IDLE_TIMEOUT)
                    .setConnectTimeout(Protos.duration(CONNECT_TIMEOUT))
                    .setType(Cluster.DiscoveryType.STATIC)
                    .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                    .setCircuitBreakers(ClusterPolicies.circuitBreakers(TrafficPolicy.CircuitBreakers.DEFAULT))
                    .setLoadAssignment(local)
                    .setMetadata(Protos.trellisMetadata(metadata(service, protocol)))
                    .build());
        }
        return out;
    }

    private static Cluster.Builder base(String name, String service, Protocol protocol, Duration idleTimeout) {
        Cluster.Builder c = Cluster.newBuilder()
                .setName(name)
                .setAltStatName(service);
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
                            .setIdleTimeout(Protos.duration(idleTimeout)))
                    .build();
            c.putTypedExtensionProtocolOptions(XdsNames.HTTP_PROTOCOL_OPTIONS, Any.pack(options));
        }
        return c;
    }

    private static Map<String, Value> metadata(String service, Protocol protocol) {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put(XdsNames.KEY_SERVICE, Protos.string(service));
        m.put(XdsNames.KEY_PROTOCOL, Protos.string(protocol.yamlName()));
        return m;
    }
}
