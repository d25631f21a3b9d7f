package dev.trellis.proxy.listener;

import dev.trellis.proxy.config.IdleTimeouts;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.filter.authz.AuthorizationHandler;
import dev.trellis.proxy.filter.authz.AuthzStats;
import dev.trellis.proxy.http.DrainEvent;
import dev.trellis.proxy.http.Http2ConnectionWindow;
import dev.trellis.proxy.http.HttpProxyHandler;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Installs the server side of HTTP/1.1 or HTTP/2 on an accepted connection, ending in {@link HttpProxyHandler};
 * on inbound listeners each request first passes {@link AuthorizationHandler}. The listener's idle timeouts in force
 * when the connection is set up apply to it: {@link Http1IdleTimeout} or {@link Http2IdleTimeout} for the
 * connection, {@link StreamIdleTimeout} for each request.
 */
final class HttpPipelines {
    private static final int WINDOW = 1024 * 1024;

    private HttpPipelines() {
    }

    /** @param authz the inbound listener's authorization counters; null where no policy applies (outbound) */
    static void http1(ChannelPipeline p, ListenerContext listener, AuthzStats authz) {
        p.addLast("http-codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(listener.options().maxInitialLineBytes())
                .setMaxHeaderSize(listener.options().maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)));
        IdleTimeouts timeouts = idleTimeouts(listener);
        if (!timeouts.connection().isZero()) {
            p.addLast("idle-timeout", new Http1IdleTimeout(timeouts.connection().toMillis()));
        }
        if (!timeouts.stream().isZero()) {
            p.addLast("stream-idle-timeout", new StreamIdleTimeout(timeouts.stream().toMillis(), false, listener.metrics(),
                    listener.direction()));
        }
        p.addLast("keepalive", new HttpServerKeepAliveHandler());
        p.addLast("expect", new HttpServerExpectContinueHandler());
        if (authz != null) {
            p.addLast("authz", new AuthorizationHandler(listener, authz, false));
        }
        p.addLast("proxy", new HttpProxyHandler(listener, false));
    }

    static void http2(ChannelPipeline p, ListenerContext listener, AuthzStats authz) {
        IdleTimeouts timeouts = idleTimeouts(listener);
        // many streams share this connection: their flushes within one event-loop pass become one write
        p.addLast("flush", new FlushConsolidationHandler(256, true));
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(listener.options().maxConcurrentStreams())
                        .initialWindowSize(WINDOW)
                        .maxHeaderListSize(listener.options().maxHeaderBytes()))
                .build());
        p.addLast("window", new Http2ConnectionWindow(WINDOW));
        p.addLast("mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setWriteBufferWaterMark(Connector.WATER_MARK);
                ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(true, false));
                if (!timeouts.stream().isZero()) {
                    ch.pipeline().addLast("stream-idle-timeout", new StreamIdleTimeout(timeouts.stream().toMillis(), true,
                            listener.metrics(), listener.direction()));
                }
                if (authz != null) {
                    ch.pipeline().addLast("authz", new AuthorizationHandler(listener, authz, true));
                }
                ch.pipeline().addLast("proxy", new HttpProxyHandler(listener, true));
            }
        }));
        p.addLast("drain", new GoAwayOnDrain());
        if (!timeouts.connection().isZero()) {
            p.addLast("idle-timeout", new Http2IdleTimeout(timeouts.connection().toMillis()));
        }
    }

    /** The listener's idle timeouts in force now (Envoy's defaults before any configuration). */
    private static IdleTimeouts idleTimeouts(ListenerContext listener) {
        RuntimeConfig config = listener.config().current();
        ListenerConfig lc = config == null ? null : config.listener(listener.name());
        return lc == null ? IdleTimeouts.DEFAULT : lc.idleTimeouts();
    }

    /** Draining an HTTP/2 connection: GOAWAY lets open streams finish and stops new ones. */
    private static final class GoAwayOnDrain extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == DrainEvent.INSTANCE) {
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
