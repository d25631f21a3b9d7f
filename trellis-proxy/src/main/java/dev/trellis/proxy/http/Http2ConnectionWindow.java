package dev.trellis.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Widens the connection-level receive window of an HTTP/2 connection once it is up, then leaves the pipeline.
 * SETTINGS_INITIAL_WINDOW_SIZE widens only each stream's window; the connection's stays at 65,535 bytes (RFC 9113
 * §6.9.2) unless a WINDOW_UPDATE on stream 0 raises it. With many streams on one connection, 64 KB is a few dozen
 * 1 KiB requests: a burst would wait on window updates, and streams whose handlers paused reading would hold up
 * every other. Envoy's default connection window is 1 MiB. Sits right after the {@code Http2FrameCodec}, which
 * turns a stream-less window update frame into a connection window increase.
 */
public final class Http2ConnectionWindow extends ChannelInboundHandlerAdapter {
    private final int window;

    /** @param window the connection's receive window in bytes, above the protocol's 65,535 */
    public Http2ConnectionWindow(int window) {
        if (window <= Http2CodecUtil.DEFAULT_WINDOW_SIZE) {
            throw new IllegalArgumentException(
                    "window " + window + " (expected: > " + Http2CodecUtil.DEFAULT_WINDOW_SIZE + ")");
        }
        this.window = window;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            widen(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        widen(ctx);
        ctx.fireChannelActive();
    }

    private void widen(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            return;
        }
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(window - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        ctx.pipeline().remove(this);
    }
}
