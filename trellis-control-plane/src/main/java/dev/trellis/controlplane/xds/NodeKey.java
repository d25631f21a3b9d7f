package dev.trellis.controlplane.xds;

import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * The snapshot group of an xDS client: sidecars with the same service, namespace and application port
 * get the same configuration, so they share one snapshot. Every client without Trellis node metadata (a
 * proxyless gRPC client) shares the proxyless snapshot.
 *
 * @param sidecar null for the proxyless group
 */
public record NodeKey(ProxyNode sidecar) {
    public static final NodeKey PROXYLESS = new NodeKey(null);

    public boolean proxyless() {
        return sidecar == null;
    }

    /** The group of a node; a node whose Trellis metadata is unusable is refused earlier, when its stream opens. */
    public static NodeKey of(Node node) {
        try {
            return NodeIdentity.of(node).map(id -> new NodeKey(id.proxy())).orElse(PROXYLESS);
        } catch (IllegalArgumentException e) {
            return PROXYLESS;
        }
    }

    public static NodeGroup<NodeKey> group() {
        return NodeKey::of;
    }

    @Override
    public String toString() {
        return proxyless() ? "proxyless"
                : sidecar.serviceName() + "." + sidecar.namespace() + (sidecar.appPort() > 0 ? " app:" + sidecar.appPort() : "");
    }
}
