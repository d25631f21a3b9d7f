package dev.trellis.proxy.listener;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Closes a downstream HTTP/1.1 connection that has had no request in flight for the idle timeout (Envoy's
 * connection idle_timeout): a request is in flight from its head to the end of its final response, so a long
 * response never counts as idle. A connection upgraded by a 101 is a stream from then on and never idles here.
 * Sits right after the codec, so it sees every request and every response part.
 */
final class Http1IdleTimeout extends ChannelDuplexHandler {
    private final long timeoutMillis;
    private IdleClock clock;
    private int inFlight;
    private boolean informational;
    private boolean upgraded;

    Http1IdleTimeout(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // the end of the request in flight starts the next idle period
        clock = new IdleClock(timeoutMillis, () -> inFlight > 0 || upgraded, ctx::close);
        becameIdle(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inFlight++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            HttpResponseStatus status = response.status();
            if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                upgraded = true;
                cancel();
            }
            // a 100 Continue is not the answer: the request stays in flight
            informational = status.codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent && !informational && inFlight > 0 && --inFlight == 0) {
            becameIdle(ctx);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void becameIdle(ChannelHandlerContext ctx) {
        if (!upgraded && ctx.channel().isActive()) {
            clock.becameIdle(ctx);
        }
    }

    private void cancel() {
        if (clock != null) {
            clock.cancel();
        }
    }
}
