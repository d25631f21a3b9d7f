package dev.trellis.proxy.upstream.pool;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.tls.OutboundTls;
import dev.trellis.proxy.tls.ProxyTls;
import dev.trellis.proxy.upstream.ProxyError;
import dev.trellis.proxy.upstream.ProxyException;
import java.util.function.Function;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import dev.trellis.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
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
    private volatile Function<String, ConnectionLimiter> limits = cluster -> ConnectionLimiter.UNLIMITED;

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

    /** Where opaque TCP connections find their cluster's connection limit (HTTP pools apply theirs themselves). */
    public void limitConnections(Function<String, ConnectionLimiter> limits) {
        this.limits = limits;
    }

    /**
     * Opaque bytes (TCP proxying): TLS without ALPN when the endpoint is meshed. At the cluster's connection limit the
     * future fails at once with {@link ProxyError#OVERFLOW} (Envoy's tcp_proxy closes the downstream connection then).
     */
    public ChannelFuture connect(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, ChannelHandler initializer) {
        ConnectionLimiter limiter = limits.apply(cluster.name());
        if (!limiter.tryAcquire()) {
            limiter.overflowed();
            return refused(loop, cluster, limiter);
        }
        ChannelFuture f = connect(loop, endpoint, cluster, initializer, OutboundTls.Alpn.NONE);
        f.channel().closeFuture().addListener(x -> limiter.release());
        return f;
    }

    /** A failed connect that never reached the network: a channel that is registered, closed and failed at once. */
    private ChannelFuture refused(EventLoop loop, ClusterConfig cluster, ConnectionLimiter limiter) {
        Channel ch = new Bootstrap().group(loop).channel(transport.clientChannel()).handler(new ChannelInboundHandlerAdapter())
                .register().channel();
        ChannelPromise refused = new DefaultChannelPromise(ch, loop);
        ch.close();
        refused.setFailure(new ProxyException(ProxyError.OVERFLOW, cluster.name() + " has " + limiter.max()
                + " connections open", null));
        return refused;
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
