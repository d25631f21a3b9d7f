package dev.trellis.proxy.tls;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.UpstreamTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Originates mutual TLS towards a meshed endpoint: the handshake verifies the server's chain against the
 * trust bundle, then its SPIFFE ID must be one the cluster expects, before the connection is handed to
 * anyone. Endpoints that are not meshed, clusters without TLS, and a proxy with no identity yet stay
 * plaintext.
 */
public final class OutboundTls {
    /** The TLS a pooled connection was opened with; absent when plaintext. */
    static final AttributeKey<UpstreamTls> OPENED_WITH = AttributeKey.valueOf("trellis.upstreamTls");

    /** Which ALPN protocol the connection will speak. */
    public enum Alpn { H2, HTTP1, NONE }

    private OutboundTls() {}

    /** The TLS a new connection to {@code endpoint} would use now, or null for plaintext. */
    public static UpstreamTls wanted(ProxyTls tls, Endpoint endpoint, ClusterConfig cluster) {
        if (!endpoint.meshed() || cluster.tls() == null || tls.current() == null) {
            return null;
        }
        return cluster.tls();
    }

    /** Whether a pooled connection still matches what a new one would be (else it is left to close idle). */
    public static boolean reusable(ProxyTls tls, Channel ch, Endpoint endpoint, ClusterConfig cluster) {
        return Objects.equals(ch.attr(OPENED_WITH).get(), wanted(tls, endpoint, cluster));
    }

    /** Counts a connection that stays plaintext although the cluster asks for TLS (no identity yet). */
    public static void countPlaintext(ProxyTls tls, Endpoint endpoint, ClusterConfig cluster) {
        if (endpoint.meshed() && cluster.tls() != null) {
            tls.stats().outboundPlaintext.increment();
        }
    }

    /** The TLS handler of a new connection, which remembers what it was opened with. */
    public static SslHandler handler(ProxyTls.Material m, Channel ch, UpstreamTls want, Endpoint endpoint, Alpn alpn) {
        SslContext ctx = switch (alpn) {
            case H2 -> m.clientH2();
            case HTTP1 -> m.clientHttp1();
            case NONE -> m.clientOpaque();
        };
        ch.attr(OPENED_WITH).set(want);
        return want.sni() == null ? ctx.newHandler(ch.alloc()) : ctx.newHandler(ch.alloc(), want.sni(), endpoint.port());
    }

    /**
     * Completes {@code ready} once the TCP connection is up, the handshake done and the server's SPIFFE ID
     * one of those expected; fails it (and closes the connection) otherwise.
     */
    public static void verify(ProxyTls tls, ChannelFuture connected, UpstreamTls want, Endpoint endpoint, ChannelPromise ready) {
        connected.addListener(c -> {
            if (!c.isSuccess()) {
                ready.tryFailure(c.cause());
                return;
            }
            SslHandler ssl = connected.channel().pipeline().get(SslHandler.class);
            ssl.handshakeFuture().addListener(h -> {
                Channel ch = connected.channel();
                if (!h.isSuccess()) {
                    tls.stats().outboundFailures.increment();
                    ch.close();
                    ready.tryFailure(new SSLException("mutual TLS with " + endpoint.authority() + " failed: " + h.cause().getMessage(),
                            h.cause()));
                    return;
                }
                String peer = PeerCertificates.spiffeId(ssl.engine().getSession());
                if (peer == null || !want.peerIdentities().contains(peer)) {
                    tls.stats().outboundIdentityMismatch.increment();
                    ch.close();
                    ready.tryFailure(new SSLException("peer identity of " + endpoint.authority() + ": " + peer + " (expected: "
                            + String.join(" or ", want.peerIdentities()) + ")"));
                    return;
                }
                PeerIdentity.set(ch, peer);
                tls.stats().outboundHandshakes.increment();
                ready.trySuccess();
            });
        });
    }
}
