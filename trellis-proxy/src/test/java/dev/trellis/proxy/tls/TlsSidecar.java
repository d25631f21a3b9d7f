package dev.trellis.proxy.tls;

import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.listener.ListenerInitializer;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.runtime.ConfigStore;
import dev.trellis.proxy.runtime.DrainTracker;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.transport.Transport;
import dev.trellis.proxy.upstream.Upstreams;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's real listeners and upstream stack on ephemeral ports, with a given {@link ProxyTls}: two of
 * these in one JVM are two sidecars with different identities.
 */
final class TlsSidecar implements AutoCloseable {
    final ProxyTls tls;
    final ConfigStore config;
    final ProxyMetrics metrics;
    private final EventLoopGroup group;
    private final Upstreams upstreams;
    private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel outbound;
    private final Channel inbound;

    private TlsSidecar(String service, ProxySnapshot snapshot, ProxyTls tls, int workers) throws InterruptedException {
        this.tls = tls;
        Transport transport = Transport.best();
        group = transport.newGroup(workers, new DefaultThreadFactory("tls-sidecar-" + service));
        metrics = new ProxyMetrics(service);
        config = new ConfigStore(metrics);
        config.update(snapshot);
        Connector connector = new Connector(transport, tls);
        upstreams = new Upstreams(connector);
        ProxyOptions options = ProxyOptions.builder(service).ephemeralPorts().workers(workers).build();
        DrainTracker drain = new DrainTracker();
        outbound = bind(transport, new ListenerInitializer(
                new ListenerContext("outbound", "outbound", config, metrics, upstreams, options, drain), connector, accepted, false));
        inbound = bind(transport, new ListenerInitializer(
                new ListenerContext("inbound", "inbound", config, metrics, upstreams, options, drain), connector, accepted, true));
    }

    static TlsSidecar start(String service, ProxySnapshot snapshot, ProxyTls tls) throws InterruptedException {
        return start(service, snapshot, tls, 2);
    }

    /**
     * A sidecar with this many event loops. Connection pools are per event loop, so a test that counts upstream
     * connections runs one: with two, a client's second connection may land on the other loop and open its own.
     */
    static TlsSidecar start(String service, ProxySnapshot snapshot, ProxyTls tls, int workers) throws InterruptedException {
        return new TlsSidecar(service, snapshot, tls, workers);
    }

    private Channel bind(Transport transport, ListenerInitializer initializer) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(transport.serverChannel()).childHandler(initializer)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int outbound() {
        return ((InetSocketAddress) outbound.localAddress()).getPort();
    }

    int inbound() {
        return ((InetSocketAddress) inbound.localAddress()).getPort();
    }

    @Override
    public void close() {
        outbound.close().syncUninterruptibly();
        inbound.close().syncUninterruptibly();
        accepted.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        upstreams.closeAll();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        tls.close();
    }
}
