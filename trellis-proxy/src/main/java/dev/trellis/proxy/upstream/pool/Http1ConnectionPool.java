package dev.trellis.proxy.upstream.pool;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.tls.OutboundTls;
import dev.trellis.proxy.upstream.UpstreamHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive connections to one endpoint, owned by one event loop (no locks): the most recently
 * used idle connection is reused first; idle ones close after the cluster's idle timeout.
 */
public final class Http1ConnectionPool {
    private static final int MAX_IDLE = 256;

    private final EventLoop loop;
    private final Endpoint endpoint;
    private final Connector connector;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();

    public Http1ConnectionPool(EventLoop loop, Endpoint endpoint, Connector connector) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.connector = connector;
    }

    /** A connection with no owner: an idle one if any, else a new one. */
    public Future<Channel> acquire(ClusterConfig cluster) {
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive() && connector.reusable(ch, endpoint, cluster)) {
                return loop.newSucceededFuture(ch);
            }
            ch.close();
        }
        return connect(cluster);
    }

    /** A connection that will never return to the pool (an upgrade becomes a byte relay). */
    public Future<Channel> connectDedicated(ClusterConfig cluster) {
        return connect(cluster);
    }

    private Future<Channel> connect(ClusterConfig cluster) {
        long idleMillis = cluster.idleTimeout().toMillis();
        ChannelFuture f = connector.connect(loop, endpoint, cluster, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(8192).setMaxHeaderSize(64 * 1024).setMaxChunkSize(64 * 1024), false, false));
                ch.pipeline().addLast("upstream", new UpstreamHandler());
            }
        }, OutboundTls.Alpn.HTTP1);
        return adapt(f);
    }

    private Future<Channel> adapt(ChannelFuture f) {
        io.netty.util.concurrent.Promise<Channel> p = loop.newPromise();
        f.addListener(done -> {
            if (done.isSuccess()) {
                p.setSuccess(f.channel());
            } else {
                p.setFailure(done.cause());
            }
        });
        return p;
    }

    /** Returns a connection whose exchange ended cleanly with keep-alive. */
    public void release(Channel ch) {
        if (!ch.isActive() || idle.size() >= MAX_IDLE) {
            ch.close();
            return;
        }
        ch.config().setAutoRead(true);
        idle.addLast(ch);
    }

    public int idleCount() {
        idle.removeIf(c -> !c.isActive());
        return idle.size();
    }

    public void closeIdle() {
        Channel ch;
        while ((ch = idle.poll()) != null) {
            ch.close();
        }
    }
}
