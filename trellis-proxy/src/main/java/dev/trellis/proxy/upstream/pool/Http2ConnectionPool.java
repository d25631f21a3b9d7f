package dev.trellis.proxy.upstream.pool;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.http.Http2ConnectionWindow;
import dev.trellis.proxy.tls.OutboundTls;
import dev.trellis.proxy.upstream.UpstreamHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Multiplexed HTTP/2 connections of one cluster to one endpoint, owned by one event loop: requests open streams on a
 * shared connection; another connection opens only when the peer's stream limit is reached, and only under the
 * cluster's {@link ConnectionLimiter} (at the limit a request waits, as a pending request, for a stream on a
 * connection of this pool or for a slot). A connection opened before the TLS settings changed (mutual TLS turned
 * on, a first identity arrived, another peer identity expected) takes no new streams and closes once idle; its open
 * streams finish undisturbed.
 */
public final class Http2ConnectionPool implements ConnectionLimiter.Member {
    /**
     * Streams a new connection carries before the peer's SETTINGS say how many it accepts: RFC 9113 recommends peers
     * allow at least 100, and a peer enforces its limit by refusing the excess.
     */
    static final int STREAMS_BEFORE_SETTINGS = 100;

    /**
     * Generous windows, per stream and for the whole connection (Envoy's connection default): a stream is paused by
     * flow control, not by a tiny default window.
     */
    static final int WINDOW = 1024 * 1024;

    /** Every stream's pipeline: HttpObjects in and out, ending in an {@link UpstreamHandler}; stateless, so shared. */
    private static final ChannelInitializer<Http2StreamChannel> STREAM_PIPELINE = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Http2StreamChannel ch) {
            ch.config().setWriteBufferWaterMark(Connector.WATER_MARK);
            ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false, false));
            ch.pipeline().addLast("upstream", new UpstreamHandler());
        }
    };

    private final EventLoop loop;
    private final Endpoint endpoint;
    private final Connector connector;
    private final ConnectionLimiter limiter;
    private final List<Connection> connections = new ArrayList<>(2);
    private final PendingRequests pending;

    /** A pool outside any connection limit. */
    public Http2ConnectionPool(EventLoop loop, Endpoint endpoint, Connector connector) {
        this(loop, endpoint, connector, ConnectionLimiter.UNLIMITED);
    }

    public Http2ConnectionPool(EventLoop loop, Endpoint endpoint, Connector connector, ConnectionLimiter limiter) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.connector = connector;
        this.limiter = limiter;
        this.pending = new PendingRequests(loop, limiter, this, endpoint);
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** A new stream whose pipeline speaks HttpObjects and ends in an {@link UpstreamHandler}. */
    public Future<Channel> openStream(ClusterConfig cluster) {
        Connection c = usableConnection(cluster);
        if (c == null) {
            if (!pending.isEmpty() || !limiter.tryAcquire()) {
                limiter.overflowed();
                return pending.add(cluster, false);
            }
            c = connect(cluster);
        }
        return streamOn(c);
    }

    private Future<Channel> streamOn(Connection c) {
        Promise<Channel> p = loop.newPromise();
        c.reserved++; // counted from now: the stream's HEADERS, which create it in the codec, may be written later
        if (c.ready.isDone()) {
            openStreamOn(c, p);
        } else {
            c.ready.addListener(done -> openStreamOn(c, p));
        }
        return p;
    }

    private void openStreamOn(Connection c, Promise<Channel> p) {
        if (!c.ready.isSuccess()) {
            c.reserved--;
            connections.remove(c);
            c.channel.close();
            p.setFailure(c.ready.cause());
            return;
        }
        c.streams().open().addListener(opened -> {
            if (opened.isSuccess()) {
                Channel stream = (Channel) opened.getNow();
                stream.closeFuture().addListener(x -> {
                    c.reserved--;
                    loop.execute(() -> onStreamClosed(c));
                });
                p.setSuccess(stream);
            } else {
                c.reserved--;
                p.setFailure(opened.cause());
            }
        });
    }

    /** A usable connection of this pool, or null when a new one is needed. */
    private Connection usableConnection(ClusterConfig cluster) {
        for (Connection c : connections) {
            if (c.usable() && (!c.ready.isDone() || connector.reusable(c.channel, endpoint, cluster))) {
                return c;
            }
        }
        return null;
    }

    /** A stream ended: its capacity goes to a waiting request, or an unused connection to another pool's. */
    private void onStreamClosed(Connection c) {
        if (!pending.isEmpty()) {
            serve();
        } else if (c.unused()) {
            if (limiter.hasWaiters()) {
                c.channel.close();
            } else {
                limiter.holdsIdle(this, true);
            }
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

    /** Opens streams for waiting requests, oldest first, on connections of this pool or on a new one; true when it took a slot. */
    private boolean serve() {
        boolean tookSlot = false;
        PendingRequests.Waiter w;
        while ((w = pending.peek()) != null) {
            Connection c = usableConnection(w.cluster());
            if (c == null) {
                if (!limiter.tryAcquire()) {
                    pending.register();
                    return tookSlot;
                }
                tookSlot = true;
                c = connect(w.cluster());
            }
            pending.poll().follow(streamOn(c));
        }
        return tookSlot;
    }

    @Override
    public void giveUpIdle() {
        loop.execute(() -> {
            for (Connection c : connections) {
                if (c.unused()) {
                    c.channel.close();
                    return;
                }
            }
            limiter.holdsIdle(this, false);
            if (limiter.hasWaiters()) {
                limiter.askForIdle();
            }
        });
    }

    private Connection connect(ClusterConfig cluster) {
        long idleMillis = cluster.idleTimeout().toMillis();
        PeerSettings settings = new PeerSettings();
        ChannelFuture f = connector.connect(loop, endpoint, cluster, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).initialWindowSize(WINDOW)
                                .maxHeaderListSize(64 * 1024))
                        .autoAckPingFrame(true)
                        .build();
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
                // No FlushConsolidationHandler here: with it, under bursts of new streams, the peer's HPACK decoder
                // lost step with this encoder ("Incomplete header block fragment") and the connection died with every
                // stream on it. Request writes are already one flush per read batch (Exchange), so it saved little.
                ch.pipeline().addLast("h2", codec);
                ch.pipeline().addLast("window", new Http2ConnectionWindow(WINDOW));
                ch.pipeline().addLast("mux", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                ch.pipeline().addLast("settings", settings);
                ch.pipeline().addLast("idle-close", new IdleCloser());
            }
        }, OutboundTls.Alpn.H2);
        Connection c = new Connection(f, settings);
        ConnectionLimiter slots = limiter;
        f.channel().closeFuture().addListener(x -> {
            connections.remove(c);
            slots.release();
        });
        connections.add(c);
        return c;
    }

    public void closeAll() {
        pending.failAll("the proxy is shutting down");
        for (Connection c : new ArrayList<>(connections)) {
            c.channel.close();
        }
    }

    public int connectionCount() {
        return connections.size();
    }

    private static final class Connection {
        final Channel channel;
        final ChannelFuture ready;
        /**
         * Streams handed out on this connection and not yet closed. The codec counts a stream only once its HEADERS
         * are written, which for a request that waited in the pending queue happens after other requests were
         * already served: counting at hand-out keeps the connection within the peer's SETTINGS_MAX_CONCURRENT_STREAMS,
         * which the peer enforces by refusing the excess (and Netty's server then takes any frame that follows on a
         * refused stream for a protocol error that closes the whole connection).
         */
        int reserved;
        private final PeerSettings settings;
        private Http2FrameCodec codec;
        private Http2StreamChannelBootstrap streams;

        Connection(ChannelFuture ready, PeerSettings settings) {
            this.channel = ready.channel();
            this.ready = ready;
            this.settings = settings;
        }

        /**
         * The streams this connection may carry at once: the peer's SETTINGS_MAX_CONCURRENT_STREAMS once its SETTINGS
         * arrived, and until then a conservative {@link #STREAMS_BEFORE_SETTINGS} rather than "unlimited", so a burst
         * on a new connection cannot overrun a limit that is still on its way.
         */
        private int streamLimit(Http2FrameCodec codec) {
            return settings.received() ? codec.connection().local().maxActiveStreams() : STREAMS_BEFORE_SETTINGS;
        }

        /** The codec, looked up in the pipeline once it is there rather than on every request. */
        private Http2FrameCodec codec() {
            if (codec == null) {
                codec = channel.pipeline().get(Http2FrameCodec.class);
            }
            return codec;
        }

        /** Opens streams on this connection (made once: a bootstrap per stream was measurable). */
        Http2StreamChannelBootstrap streams() {
            if (streams == null) {
                streams = new Http2StreamChannelBootstrap(channel).handler(STREAM_PIPELINE);
            }
            return streams;
        }

        boolean usable() {
            if (!ready.isDone()) {
                // still connecting: queue behind it rather than open another, up to what it may carry at first
                return reserved < STREAMS_BEFORE_SETTINGS;
            }
            if (!ready.isSuccess() || !channel.isActive()) {
                return false;
            }
            Http2FrameCodec codec = codec();
            return codec != null && !codec.connection().goAwayReceived() && codec.connection().local().canOpenStream()
                    && reserved < streamLimit(codec);
        }

        /** Connected, open and without a stream: it could close without disturbing anyone. */
        boolean unused() {
            // reserved, not the codec's active count: a stream handed out whose HEADERS are not written yet is in use
            return ready.isDone() && ready.isSuccess() && channel.isActive() && reserved == 0;
        }
    }

    /** Notes the peer's first SETTINGS frame, which carries its limit on concurrent streams (RFC 9113 §6.5.2). */
    private static final class PeerSettings extends ChannelInboundHandlerAdapter {
        private boolean received;

        boolean received() {
            return received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2SettingsFrame) {
                received = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Closes the connection once it has been idle with no open stream for the idle timeout. */
    private static final class IdleCloser extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
                if (codec == null || codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
