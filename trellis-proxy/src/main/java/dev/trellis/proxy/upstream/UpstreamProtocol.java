package dev.trellis.proxy.upstream;

/** How the proxy speaks to one endpoint for one request. */
public enum UpstreamProtocol {
    /** A pooled HTTP/1.1 connection, one request at a time. */
    HTTP1,
    /** A dedicated HTTP/1.1 connection that becomes a byte relay after 101 (WebSocket and other upgrades). */
    HTTP1_UPGRADE,
    /** A stream on a shared, multiplexed HTTP/2 connection. */
    HTTP2
}
