package dev.trellis.bench.load;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * HTTP/1.1 keep-alive client for one connection, one request at a time. Sits after an
 * {@code HttpResponseDecoder}; requests are written pre-encoded, so no encoder runs per request.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter implements ClientConnection {
    private final RequestTemplate template;
    private final ExchangeListener listener;
    private ChannelHandlerContext ctx;
    private boolean busy;
    private boolean closing;
    private int outcome;
    private long startNanos;

    Http1Connection(RequestTemplate template, ExchangeListener listener) {
        this.template = template;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public boolean canSend() {
        return !busy && !closing && ctx.channel().isActive();
    }

    @Override
    public void send(long start) {
        busy = true;
        outcome = Outcome.CONNECTION_LOST;
        startNanos = start;
        ctx.write(template.http1(), ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void close() {
        closing = true;
        ctx.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        super.channelActive(context);
        listener.onReady(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        try {
            if (msg instanceof HttpObject && ((HttpObject) msg).decoderResult().isFailure()) {
                outcome = Outcome.MALFORMED_RESPONSE;
                fail(context);
                return;
            }
            if (msg instanceof HttpResponse) {
                HttpResponse response = (HttpResponse) msg;
                outcome = response.status().code();
                closing |= !HttpUtil.isKeepAlive(response);
            }
            if (msg instanceof LastHttpContent && busy) {
                busy = false;
                boolean closeAfter = closing;
                listener.onResponse(startNanos, outcome);
                if (closeAfter) {
                    context.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        closing = true;
        if (busy) {
            busy = false;
            listener.onResponse(startNanos, outcome);
        }
        listener.onClosed(this);
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(context);
    }

    private void fail(ChannelHandlerContext context) {
        closing = true;
        context.close();
    }
}
