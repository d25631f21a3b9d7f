package dev.trellis.proxy.listener;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Ends a downstream HTTP/2 connection that has had no open stream for the idle timeout (Envoy's connection
 * idle_timeout): a GOAWAY tells the client to open a new connection for its next request, then the connection closes.
 * Installed after the HTTP/2 codec, whose stream events it follows.
 */
final class Http2IdleTimeout extends ChannelInboundHandlerAdapter {
    private final long timeoutMillis;
    private IdleClock clock;
    private Http2FrameCodec codec;
    private boolean closing;

    Http2IdleTimeout(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec = ctx.pipeline().get(Http2FrameCodec.class);
        // the last stream to close starts the next idle period
        clock = new IdleClock(timeoutMillis, () -> codec.connection().numActiveStreams() > 0, () -> {
            closing = true;
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
        });
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (codec.connection().numActiveStreams() == 0) {
                    becameIdle(ctx);
                }
            }
        });
        becameIdle(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void becameIdle(ChannelHandlerContext ctx) {
        if (!closing && ctx.channel().isActive()) {
            clock.becameIdle(ctx);
        }
    }

    private void cancel() {
        if (clock != null) {
            clock.cancel();
        }
    }
}
