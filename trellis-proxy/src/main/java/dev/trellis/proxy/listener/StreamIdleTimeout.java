package dev.trellis.proxy.listener;

import dev.trellis.proxy.metrics.ProxyMetrics;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a downstream request that has seen no activity, no byte read or written either way, for the stream idle
 * timeout (Envoy's stream_idle_timeout): with 408 (gRPC: DEADLINE_EXCEEDED) and {@code trellis-error:
 * stream-idle-timeout} when no response has started, else by resetting it (an HTTP/2 stream is reset, an HTTP/1.1
 * connection closed). A response that keeps moving, however long, is never cut. Sits right after the codec of an
 * HTTP/1.1 connection (a request runs from its head to the end of its response; after a 101 the connection is one
 * stream) or of an HTTP/2 stream (one request).
 */
final class StreamIdleTimeout extends ChannelDuplexHandler {
    static final String CAUSE = "stream-idle-timeout";

    private final long timeoutNanos;
    private final boolean http2;
    private final ProxyMetrics metrics;
    private final String direction;
    private boolean active;
    private boolean grpc;
    private boolean responseStarted;
    private boolean informational;
    private boolean upgraded;
    private boolean timedOut;
    private long lastActivityNanos;
    private ScheduledFuture<?> check;

    StreamIdleTimeout(long timeoutMillis, boolean http2, ProxyMetrics metrics, String direction) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.http2 = http2;
        this.metrics = metrics;
        this.direction = direction;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timedOut) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && !active) {
            active = true;
            responseStarted = false;
            String ct = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            grpc = ct != null && ct.startsWith("application/grpc");
        }
        touch(ctx);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (timedOut) {
            // the caller already has its answer (or a reset): what the exchange still sends goes nowhere
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        if (msg instanceof HttpResponse response) {
            informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            upgraded |= response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
            responseStarted |= !informational || upgraded;
        }
        touch(ctx);
        if (msg instanceof LastHttpContent && !informational && !upgraded && !http2) {
            active = false; // the HTTP/1.1 request is over; the next one starts its own clock
        }
        ctx.write(msg, promise);
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

    private void touch(ChannelHandlerContext ctx) {
        lastActivityNanos = System.nanoTime();
        if (check == null && (active || upgraded)) {
            check = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        check = null;
        if (!active && !upgraded) {
            return; // no request: the next one schedules the check again
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle < timeoutNanos) {
            check = ctx.executor().schedule(() -> check(ctx), timeoutNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        timedOut = true;
        metrics.proxyError(direction, CAUSE);
        if (responseStarted) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(response(ctx, TimeUnit.NANOSECONDS.toMillis(timeoutNanos))).addListener(ChannelFutureListener.CLOSE);
    }

    private FullHttpResponse response(ChannelHandlerContext ctx, long timeoutMillis) {
        String detail = CAUSE + ": no activity for " + timeoutMillis + "ms";
        FullHttpResponse r;
        if (grpc) {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                    .set("grpc-status", "4")
                    .set("grpc-message", detail.replace("%", "%25"));
        } else {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                    ByteBufUtil.writeUtf8(ctx.alloc(), detail + "\n"));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        }
        r.headers().set("trellis-error", CAUSE).setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        if (!http2) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
