package dev.trellis.proxy.upstream.pool;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.tls.OutboundTls;
import dev.trellis.proxy.tls.ProxyTls;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import dev.trellis.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Opens connections to endpoints on a given event loop, so a request never leaves its loop. Towards a
 * meshed endpoint of a cluster with mutual TLS the connection is secured first: the returned future
 * completes only once the handshake is done and the server proved the identity the cluster expects.
 */
public final class Connector {
    /** Pause reading the other side when more than this is queued for writing. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Transport transport;
    private final ProxyTls tls;
    /** Endpoint host names resolve asynchronously (hosts file, then DNS): never a blocking lookup on an event loop. */
    private final DnsAddressResolverGroup resolver;

    /** Mutual TLS from the environment (see {@link ProxyTls#fromEnvironment()}). */
    public Connector(Transport transport) {
        this(transport, ProxyTls.fromEnvironment());
    }

    public Connector(Transport transport, ProxyTls tls) {
        this.transport = transport;
        this.tls = tls;
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel()));
    }

    /** The proxy's mutual TLS state, shared with its listeners. */
    public ProxyTls tls() {
        return tls;
    }

    /** Opaque bytes (TCP proxying): TLS without ALPN when the endpoint is meshed. */
    public ChannelFuture connect(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, ChannelHandler initializer) {
        return connect(loop, endpoint, cluster, initializer, OutboundTls.Alpn.NONE);
    }

    public ChannelFuture connect(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, ChannelHandler initializer,
                                 OutboundTls.Alpn alpn) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cluster.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .resolver(resolver);
        UpstreamTls want = OutboundTls.wanted(tls, endpoint, cluster);
        ProxyTls.Material material = tls.current();
        if (want == null || material == null) {
            OutboundTls.countPlaintext(tls, endpoint, cluster);
            return b.handler(initializer).connect(endpoint.host(), endpoint.port());
        }
        ChannelFuture connected = b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("tls", OutboundTls.handler(material, ch, want, endpoint, alpn));
                ch.pipeline().addLast(initializer);
            }
        }).connect(endpoint.host(), endpoint.port());
        ChannelPromise ready = connected.channel().newPromise();
        OutboundTls.verify(tls, connected, want, endpoint, ready);
        return ready;
    }

    /** Releases the resolver's sockets (shutdown). */
    public void close() {
        resolver.close();
    }

    /** Whether a pooled connection was opened the way a new one would be now (TLS on or off, same peer). */
    public boolean reusable(Channel ch, Endpoint endpoint, ClusterConfig cluster) {
        return OutboundTls.reusable(tls, ch, endpoint, cluster);
    }
}
