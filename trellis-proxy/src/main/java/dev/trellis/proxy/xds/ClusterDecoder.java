package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ClusterConfig.LbPolicy;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.EndpointSet;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * CDS Cluster to {@link ClusterConfig}. EDS clusters get their endpoints from a ClusterLoadAssignment;
 * STATIC, STRICT_DNS and LOGICAL_DNS clusters carry them inline (hosts are resolved at connect time).
 * The protocol comes from trellis.protocol metadata, else from the HttpProtocolOptions extension
 * (explicit HTTP/2 or HTTP/1), else HTTP/1 as in Envoy. Circuit breakers, outlier detection, health checks and
 * the retry budget are decoded by {@link ClusterPolicyDecoder}.
 */
public final class ClusterDecoder {
    static final String TYPE = "cluster";
    /** Envoy's default connect_timeout. */
    static final Duration ENVOY_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private ClusterDecoder() {}

    /** @param endpoints the inline load_assignment of a non-EDS cluster */
    public record Decoded(ClusterConfig cluster, Optional<EndpointSet> endpoints) {}

    public static Decoded decode(Cluster c) {
        String name = c.getName();
        if (name.isEmpty()) {
            throw new XdsResourceException(TYPE, name, "name: \"\" (expected: a name)");
        }
        if (c.hasTransportSocket()) {
            throw new XdsResourceException(TYPE, name, "transport_socket: " + c.getTransportSocket().getName()
                    + " (expected: none; mutual TLS is configured through transport_socket_matches on tlsMode)");
        }
        if (c.hasLoadBalancingPolicy()) {
            throw new XdsResourceException(TYPE, name, "load_balancing_policy: set (expected: lb_policy)");
        }
        Optional<EndpointSet> inline = switch (c.getClusterDiscoveryTypeCase()) {
            case TYPE -> switch (c.getType()) {
                case EDS -> {
                    String serviceName = c.getEdsClusterConfig().getServiceName();
                    if (!serviceName.isEmpty() && !serviceName.equals(name)) {
                        throw new XdsResourceException(TYPE, name, "eds_cluster_config.service_name: " + serviceName
                                + " (expected: empty or the cluster name)");
                    }
                    yield Optional.empty();
                }
                case STATIC, STRICT_DNS, LOGICAL_DNS ->
                        Optional.of(EndpointDecoder.decode(c.getLoadAssignment(), name, TYPE));
                default -> throw new XdsResourceException(TYPE, name, "type: " + c.getType()
                        + " (expected: EDS, STATIC, STRICT_DNS or LOGICAL_DNS)");
            };
            case CLUSTER_TYPE -> throw new XdsResourceException(TYPE, name, "cluster_type: "
                    + c.getClusterType().getName() + " (expected: type EDS, STATIC, STRICT_DNS or LOGICAL_DNS)");
            case CLUSTERDISCOVERYTYPE_NOT_SET -> Optional.of(EndpointDecoder.decode(c.getLoadAssignment(), name, TYPE));
        };
        Duration connectTimeout = c.hasConnectTimeout()
                ? Durations.of(c.getConnectTimeout(), TYPE, name, "connect_timeout")
                : ENVOY_CONNECT_TIMEOUT;
        if (connectTimeout.isZero()) {
            throw new XdsResourceException(TYPE, name, "connect_timeout: 0s (expected: > 0)");
        }
        HttpProtocolOptions options = httpOptions(c);
        Duration idle = ClusterConfig.DEFAULT_IDLE_TIMEOUT;
        if (options != null && options.getCommonHttpProtocolOptions().hasIdleTimeout()) {
            idle = Durations.of(options.getCommonHttpProtocolOptions().getIdleTimeout(), TYPE, name,
                    "typed_extension_protocol_options.common_http_protocol_options.idle_timeout");
            if (idle.isZero()) {
                idle = ClusterConfig.DEFAULT_IDLE_TIMEOUT;
            }
        }
        String service = TrellisMetadata.string(c.getMetadata(), XdsNames.KEY_SERVICE);
        if (service == null) {
            service = c.getAltStatName().isEmpty() ? name : c.getAltStatName();
        }
        ClusterConfig config = new ClusterConfig(name, service, protocol(c, options), lbPolicy(c), connectTimeout, idle,
                ClusterPolicyDecoder.circuitBreakers(c), ClusterPolicyDecoder.retryBudget(c),
                ClusterPolicyDecoder.outlierDetection(c), ClusterPolicyDecoder.healthCheck(c));
        return new Decoded(config.withTls(TlsDecoder.upstream(c)), inline);
    }

    private static LbPolicy lbPolicy(Cluster c) {
        return switch (c.getLbPolicy()) {
            case ROUND_ROBIN -> LbPolicy.ROUND_ROBIN;
            case LEAST_REQUEST -> XdsNames.LB_PEAK_EWMA.equals(TrellisMetadata.string(c.getMetadata(), XdsNames.KEY_LB))
                    ? LbPolicy.PEAK_EWMA : LbPolicy.LEAST_REQUEST;
            default -> throw new XdsResourceException(TYPE, c.getName(), "lb_policy: " + c.getLbPolicy()
                    + " (expected: ROUND_ROBIN or LEAST_REQUEST)");
        };
    }

    private static HttpProtocolOptions httpOptions(Cluster c) {
        Map<String, Any> all = c.getTypedExtensionProtocolOptionsMap();
        for (Map.Entry<String, Any> e : all.entrySet()) {
            if (!e.getKey().equals(XdsNames.HTTP_PROTOCOL_OPTIONS)) {
                throw new XdsResourceException(TYPE, c.getName(), "typed_extension_protocol_options: " + e.getKey()
                        + " (expected: " + XdsNames.HTTP_PROTOCOL_OPTIONS + ")");
            }
        }
        Any any = all.get(XdsNames.HTTP_PROTOCOL_OPTIONS);
        if (any == null) {
            return null;
        }
        try {
            return any.unpack(HttpProtocolOptions.class);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(TYPE, c.getName(), "typed_extension_protocol_options[" + XdsNames.HTTP_PROTOCOL_OPTIONS
                    + "]: " + any.getTypeUrl() + " (expected: " + HttpProtocolOptions.getDescriptor().getFullName() + ")");
        }
    }

    private static UpstreamProtocol protocol(Cluster c, HttpProtocolOptions options) {
        String declared = TrellisMetadata.string(c.getMetadata(), XdsNames.KEY_PROTOCOL);
        if (declared != null) {
            return switch (declared) {
                case "http" -> UpstreamProtocol.HTTP1;
                case "http2", "grpc" -> UpstreamProtocol.HTTP2;
                case "tcp" -> UpstreamProtocol.TCP;
                default -> throw new XdsResourceException(TYPE, c.getName(), "metadata.filter_metadata.trellis.protocol: "
                        + declared + " (expected: http, http2, grpc or tcp)");
            };
        }
        if (options != null) {
            return switch (options.getUpstreamProtocolOptionsCase()) {
                case EXPLICIT_HTTP_CONFIG -> options.getExplicitHttpConfig().hasHttp2ProtocolOptions()
                        ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1;
                case UPSTREAMPROTOCOLOPTIONS_NOT_SET -> UpstreamProtocol.HTTP1;
                default -> throw new XdsResourceException(TYPE, c.getName(), "typed_extension_protocol_options.upstream_protocol_options: "
                        + options.getUpstreamProtocolOptionsCase() + " (expected: explicit_http_config)");
            };
        }
        return c.hasHttp2ProtocolOptions() ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1;
    }
}
