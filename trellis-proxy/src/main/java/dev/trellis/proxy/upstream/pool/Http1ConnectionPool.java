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
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive connections of one cluster to one endpoint, owned by one event loop (no locks): the most
 * recently used idle connection is reused first; idle ones close after the cluster's idle timeout. New connections
 * are opened under the cluster's {@link ConnectionLimiter}; at the limit a request waits (as a pending request) for
 * a connection to come back or for a slot, in arrival order.
 */
public final class Http1ConnectionPool implements ConnectionLimiter.Member {
    private static final int MAX_IDLE = 256;
    private static final AttributeKey<Http1ConnectionPool> POOL = AttributeKey.valueOf("trellis.http1.pool");

    private final EventLoop loop;
    private final Endpoint endpoint;
    private final Connector connector;
    private final ConnectionLimiter limiter;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final PendingRequests pending;

    /** A pool outside any connection limit. */
    public Http1ConnectionPool(EventLoop loop, Endpoint endpoint, Connector connector) {
        this(loop, endpoint, connector, ConnectionLimiter.UNLIMITED);
    }

    public Http1ConnectionPool(EventLoop loop, Endpoint endpoint, Connector connector, ConnectionLimiter limiter) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.connector = connector;
        this.limiter = limiter;
        this.pending = new PendingRequests(loop, limiter, this, endpoint);
    }

    /** The pool that opened {@code ch}, where it returns after a clean exchange; null for a dedicated connection. */
    public static Http1ConnectionPool of(Channel ch) {
        return ch.attr(POOL).get();
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** A connection with no owner: an idle one if any, else a new one, else one as soon as the limit allows. */
    public Future<Channel> acquire(ClusterConfig cluster) {
        Channel ch = pollIdle(cluster);
        if (ch != null) {
            return loop.newSucceededFuture(ch);
        }
        return connectOrWait(cluster, false);
    }

    /** A connection that will never return to the pool (an upgrade becomes a byte relay). */
    public Future<Channel> connectDedicated(ClusterConfig cluster) {
        return connectOrWait(cluster, true);
    }

    private Future<Channel> connectOrWait(ClusterConfig cluster, boolean dedicated) {
        if (pending.isEmpty() && limiter.tryAcquire()) {
            return connect(cluster, dedicated);
        }
        limiter.overflowed();
        return pending.add(cluster, dedicated);
    }

    private Channel pollIdle(ClusterConfig cluster) {
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive() && connector.reusable(ch, endpoint, cluster)) {
                break;
            }
            ch.close();
        }
        if (idle.isEmpty()) {
            limiter.holdsIdle(this, false);
        }
        return ch;
    }

    /** Opens a connection under a slot already taken; the slot is given back when the connection closes. */
    private Future<Channel> connect(ClusterConfig cluster, boolean dedicated) {
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
        Channel ch = f.channel();
        ConnectionLimiter slots = limiter;
        ch.closeFuture().addListener(x -> slots.release());
        if (!dedicated) {
            ch.attr(POOL).set(this);
        }
        Promise<Channel> p = loop.newPromise();
        f.addListener(done -> {
            if (done.isSuccess()) {
                p.setSuccess(ch);
            } else {
                ch.close();
                p.setFailure(done.cause());
            }
        });
        return p;
    }

    /** Returns a connection whose exchange ended cleanly with keep-alive. */
    public void release(Channel ch) {
        if (!ch.isActive()) {
            ch.close();
            return;
        }
        if (pending.isEmpty() && (idle.size() >= MAX_IDLE || limiter.hasWaiters())) {
            // another pool of the cluster waits for a slot: this connection's is worth more there
            ch.close();
            return;
        }
        ch.config().setAutoRead(true);
        idle.addLast(ch);
        if (!pending.isEmpty()) {
            loop.execute(this::serve);
        } else {
            limiter.holdsIdle(this, true);
        }
    }

    @Override
    public void wake() {
        loop.execute(() -> {
            pending.woken();
            if (!serve()) {
                limiter.passOn();
            }
        });
    }

    /** Hands idle connections and free slots to waiting requests, oldest first; true when it took a slot. */
    private boolean serve() {
        boolean tookSlot = false;
        PendingRequests.Waiter w;
        while ((w = pending.peek()) != null) {
            Channel ch = w.dedicated() ? null : pollIdle(w.cluster());
            if (ch != null) {
                pending.poll().succeed(ch);
                continue;
            }
            if (!limiter.tryAcquire()) {
                pending.register();
                return tookSlot;
            }
            tookSlot = true;
            PendingRequests.Waiter served = pending.poll();
            served.follow(connect(served.cluster(), served.dedicated()));
        }
        return tookSlot;
    }

    @Override
    public void giveUpIdle() {
        loop.execute(() -> {
            Channel ch = idle.pollFirst();
            if (ch != null) {
                ch.close();
            }
            if (idle.isEmpty()) {
                limiter.holdsIdle(this, false);
            }
            if (ch == null && limiter.hasWaiters()) {
                limiter.askForIdle();
            }
        });
    }

    public int idleCount() {
        idle.removeIf(c -> !c.isActive());
        return idle.size();
    }

    /** Closes every idle connection and fails what waits (shutdown). */
    public void closeIdle() {
        pending.failAll("the proxy is shutting down");
        Channel ch;
        while ((ch = idle.poll()) != null) {
            ch.close();
        }
        limiter.holdsIdle(this, false);
    }
}
