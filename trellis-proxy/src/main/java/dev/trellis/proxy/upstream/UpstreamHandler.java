package dev.trellis.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection or stream: hands responses to the exchange that currently
 * owns it. A pooled connection with no owner closes when it idles or when the peer sends anything.
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private ResponseSink sink;

    public void attach(ResponseSink sink) {
        this.sink = sink;
    }

    public void detach() {
        this.sink = null;
    }

    public boolean attached() {
        return sink != null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ResponseSink s = sink;
        if (s == null) {
            // an idle pooled connection must not speak: it is broken, drop it
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpObject) {
            s.onResponse((HttpObject) msg);
        } else {
            s.onUpgradedBytes(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        if (s != null) {
            s.onResponseReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        if (s != null && ctx.channel().isWritable()) {
            s.onUpstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        sink = null;
        if (s != null) {
            s.onUpstreamFailure(ctx.channel(), new java.nio.channels.ClosedChannelException());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            // the peer reset the stream: REFUSED_STREAM means it was never processed, so it is safe to retry
            ResponseSink s = sink;
            sink = null;
            if (s != null) {
                s.onUpstreamFailure(ctx.channel(), new StreamResetException(((Http2ResetFrame) evt).errorCode()));
            }
            return;
        }
        if (evt instanceof IdleStateEvent && sink == null) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ResponseSink s = sink;
        sink = null;
        ctx.close();
        if (s != null) {
            s.onUpstreamFailure(ctx.channel(), cause);
        }
    }
}
