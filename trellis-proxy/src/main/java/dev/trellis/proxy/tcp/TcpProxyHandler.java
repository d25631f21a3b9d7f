package dev.trellis.proxy.tcp;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.metrics.PeerLabel;
import dev.trellis.proxy.metrics.TcpStats;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.WorkerUpstreams;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque TCP: connects to an endpoint of the cluster, forwards whatever arrived meanwhile, then becomes a
 * pair of {@link RelayHandler}s. A failed connect closes the downstream connection.
 */
public final class TcpProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpProxyHandler.class);

    private final ListenerContext listener;
    private final Function<RuntimeConfig, String> clusterOf;
    private final Connector connector;
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private Channel upstream;
    private TcpStats stats;
    private boolean closed;

    public TcpProxyHandler(ListenerContext listener, Function<RuntimeConfig, String> clusterOf, Connector connector) {
        this.listener = listener;
        this.clusterOf = clusterOf;
        this.connector = connector;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            connect(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connect(ctx);
        ctx.fireChannelActive();
    }

    private void connect(ChannelHandlerContext ctx) {
        if (stats != null) {
            return;
        }
        RuntimeConfig config = listener.config().current();
        String clusterName = config == null ? null : clusterOf.apply(config);
        ClusterConfig cluster = clusterName == null ? null : config.cluster(clusterName);
        stats = listener.metrics().tcp(listener.direction(), cluster == null ? "unknown" : cluster.service(),
                PeerLabel.identity(listener, ctx.channel(), cluster));
        stats.opened();
        if (cluster == null) {
            log.debug("tcp {}: no cluster configured, closing", listener.name());
            ctx.close();
            return;
        }
        WorkerUpstreams worker = listener.upstreams().of(ctx.channel().eventLoop());
        EndpointState endpoint = worker.pick(cluster, config.endpoints(clusterName), null);
        if (endpoint == null) {
            listener.metrics().proxyError(listener.direction(), "no-endpoints");
            ctx.close();
            return;
        }
        ctx.channel().config().setAutoRead(false);
        Channel downstream = ctx.channel();
        ChannelFuture f = connector.connect(ctx.channel().eventLoop(), endpoint.endpoint(), cluster, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("relay", new RelayHandler(downstream, stats, false));
            }
        });
        upstream = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                listener.metrics().proxyError(listener.direction(), "connect-refused");
                ctx.close();
                return;
            }
            Object m;
            while ((m = early.poll()) != null) {
                upstream.write(m);
            }
            upstream.flush();
            ctx.pipeline().replace(this, "relay", new RelayHandler(upstream, stats, true));
            downstream.config().setAutoRead(true);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof io.netty.buffer.ByteBuf) {
            stats.read(((io.netty.buffer.ByteBuf) msg).readableBytes());
        }
        early.add(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        Object m;
        while ((m = early.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (stats != null) {
            TcpStats s = stats;
            ctx.channel().closeFuture().addListener(x -> s.closed());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
