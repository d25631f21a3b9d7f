package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;

/** How the proxy speaks to one endpoint for one request. */
public enum UpstreamProtocol {
    /** A pooled HTTP/1.1 connection, one request at a time. */
    HTTP1,
    /** A dedicated HTTP/1.1 connection that becomes a byte relay after 101 (WebSocket and other upgrades). */
    HTTP1_UPGRADE,
    /** A stream on a shared, multiplexed HTTP/2 connection. */
    HTTP2;

    /** For a request that is not an upgrade: HTTP/2 to another sidecar or an HTTP/2 cluster, else pooled HTTP/1.1. */
    public static UpstreamProtocol of(Endpoint endpoint, ClusterConfig cluster) {
        return endpoint.meshed() || cluster.protocol() == ClusterConfig.UpstreamProtocol.HTTP2 ? HTTP2 : HTTP1;
    }
}
