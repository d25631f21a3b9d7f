package dev.trellis.proxy.metrics;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.tls.PeerIdentity;
import io.netty.channel.Channel;
import java.util.List;

/**
 * The peer identity a request's or connection's metrics carry. Inbound: the SPIFFE ID the client proved in
 * the mutual TLS handshake of the downstream connection. Outbound: the SPIFFE ID the destination must
 * prove, when its cluster asks for mutual TLS and this proxy has an identity to present (connections to
 * meshed endpoints then fail unless the server proves it). Null: plaintext. Allocation-free in the common case.
 */
public final class PeerLabel {
    private PeerLabel() {}

    /** @param cluster the destination cluster (outbound), null when none was found */
    public static String identity(ListenerContext listener, Channel downstream, ClusterConfig cluster) {
        if ("inbound".equals(listener.direction())) {
            return PeerIdentity.of(downstream);
        }
        if (cluster == null || cluster.tls() == null || listener.upstreams().tls().current() == null) {
            return null;
        }
        return serverId(cluster.tls());
    }

    /** The expected server identity; several (not made by the translator) are listed comma-separated. */
    static String serverId(UpstreamTls tls) {
        List<String> ids = tls.peerIdentities();
        return ids.size() == 1 ? ids.get(0) : String.join(",", ids);
    }
}
