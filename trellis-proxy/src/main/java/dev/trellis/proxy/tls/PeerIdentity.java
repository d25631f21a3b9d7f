package dev.trellis.proxy.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The SPIFFE ID a connection's peer proved in a mutual TLS handshake, kept on the connection. HTTP/2
 * streams find it on their parent connection. Absent on plaintext connections.
 */
public final class PeerIdentity {
    static final AttributeKey<String> KEY = AttributeKey.valueOf("trellis.peerIdentity");

    private PeerIdentity() {}

    /** The peer's SPIFFE ID, or null when the connection (or the stream's connection) is not mutual TLS. */
    public static String of(Channel ch) {
        for (Channel c = ch; c != null; c = c.parent()) {
            // hasAttr first: attr() would add an empty attribute to every HTTP/2 stream it is asked about
            String id = c.hasAttr(KEY) ? c.attr(KEY).get() : null;
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    static void set(Channel ch, String spiffeId) {
        ch.attr(KEY).set(spiffeId);
    }
}
