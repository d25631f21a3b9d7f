package dev.trellis.config.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a Trellis proxy tells the control plane about itself in the xDS {@link Node} of its ADS stream:
 * the {@link ProxyNode} its configuration is translated for, and the instance it registers (the address
 * and inbound port where other sidecars reach it, and its labels). The contract between the proxy's xDS
 * client and the control plane, kept in one place.
 *
 * <p>On the wire: {@code node.metadata.fields["trellis"]} is a struct with service, namespace, app_port,
 * inbound_port, admin_port, address and labels (a struct of strings). A node without it is not a Trellis sidecar
 * (a proxyless gRPC client, say).
 *
 * @param address     where other sidecars reach this instance ("" when it is a client only)
 * @param inboundPort its inbound listener; 0 when it is a client only
 * @param adminPort   its admin listener (metrics, config dump, tap) on {@code address}; 0 when unknown
 */
public record NodeIdentity(ProxyNode proxy, String address, int inboundPort, Map<String, String> labels, int adminPort) {
    public static final String METADATA_KEY = "trellis";
    public static final String USER_AGENT = "trellis-proxy";

    public NodeIdentity {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
        if (inboundPort < 0 || inboundPort > 65535) {
            throw new IllegalArgumentException("inboundPort: " + inboundPort + " (expected: 0..65535)");
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("adminPort: " + adminPort + " (expected: 0..65535)");
        }
    }

    /** Without an admin port. */
    public NodeIdentity(ProxyNode proxy, String address, int inboundPort, Map<String, String> labels) {
        this(proxy, address, inboundPort, labels, 0);
    }

    /** The same node with another inbound port (0 while it must not be registered). */
    public NodeIdentity withInboundPort(int port) {
        return new NodeIdentity(proxy, address, port, labels, adminPort);
    }

    /** It serves an application that other sidecars may call, so it registers as an instance. */
    public boolean servesInstance() {
        return proxy.appPort() > 0 && inboundPort > 0 && !address.isEmpty();
    }

    /** "catalog.default~127.0.0.1:4143": unique per instance, readable in logs and status. */
    public String nodeId() {
        return proxy.serviceName() + "." + proxy.namespace() + "~" + address + ":" + inboundPort;
    }

    public Node toNode(String userAgentVersion) {
        Struct.Builder labelStruct = Struct.newBuilder();
        new TreeMap<>(labels).forEach((k, v) -> labelStruct.putFields(k, Value.newBuilder().setStringValue(v).build()));
        Struct trellis = Struct.newBuilder()
                .putFields("service", string(proxy.serviceName()))
                .putFields("namespace", string(proxy.namespace()))
                .putFields("app_port", number(proxy.appPort()))
                .putFields("inbound_port", number(inboundPort))
                .putFields("admin_port", number(adminPort))
                .putFields("address", string(address))
                .putFields("labels", Value.newBuilder().setStructValue(labelStruct).build())
                .build();
        return Node.newBuilder()
                .setId(nodeId())
                .setCluster(proxy.serviceName())
                .setUserAgentName(USER_AGENT)
                .setUserAgentVersion(userAgentVersion)
                .setMetadata(Struct.newBuilder().putFields(METADATA_KEY, Value.newBuilder().setStructValue(trellis).build()))
                .build();
    }

    /**
     * @return empty when the node carries no Trellis metadata
     * @throws IllegalArgumentException when it does but a field is unusable, naming the field
     */
    public static Optional<NodeIdentity> of(Node node) {
        Value v = node.getMetadata().getFieldsMap().get(METADATA_KEY);
        if (v == null || !v.hasStructValue()) {
            return Optional.empty();
        }
        Map<String, Value> f = v.getStructValue().getFieldsMap();
        String service = text(f, "service");
        if (service.isEmpty()) {
            throw new IllegalArgumentException("node.metadata.trellis.service: \"\" (expected: a service name)");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Value l = f.get("labels");
        if (l != null && l.hasStructValue()) {
            l.getStructValue().getFieldsMap().forEach((k, x) -> labels.put(k, x.getStringValue()));
        }
        String namespace = text(f, "namespace");
        ProxyNode proxy = new ProxyNode(service, namespace.isEmpty() ? null : namespace, port(f, "app_port"));
        return Optional.of(new NodeIdentity(proxy, text(f, "address"), port(f, "inbound_port"), labels, port(f, "admin_port")));
    }

    private static String text(Map<String, Value> f, String key) {
        Value v = f.get(key);
        return v == null ? "" : v.getStringValue();
    }

    private static int port(Map<String, Value> f, String key) {
        Value v = f.get(key);
        double d = v == null ? 0 : v.getNumberValue();
        if (d < 0 || d > 65535 || d != Math.rint(d)) {
            throw new IllegalArgumentException("node.metadata.trellis." + key + ": " + d + " (expected: 0..65535)");
        }
        return (int) d;
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value number(int n) {
        return Value.newBuilder().setNumberValue(n).build();
    }
}
