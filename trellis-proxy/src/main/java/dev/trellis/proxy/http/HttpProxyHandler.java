package dev.trellis.proxy.http;

import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.tcp.RelayHandler;
import dev.trellis.proxy.upstream.ProxyError;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream side of HTTP proxying, on one HTTP/1.1 connection or one HTTP/2 stream: validates each
 * request, runs one {@link Exchange} at a time, and keeps pipelined HTTP/1.1 requests in order.
 */
public final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);
    /** Pipelined HTTP/1.1 messages held while an exchange is in flight; reading pauses beyond this. */
    private static final int MAX_QUEUED = 64;

    private final ListenerContext listener;
    private final boolean http2;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean discardingBody;
    private boolean closeWhenIdle;
    private boolean dispatching;
    private boolean reading;

    public HttpProxyHandler(ListenerContext listener, boolean http2) {
        this.listener = listener;
        this.http2 = http2;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        queued.add(msg);
        drainQueue();
    }

    /** Feeds messages in arrival order: body parts to the current exchange, the next request once it is done. */
    private void drainQueue() {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            Object m;
            while ((m = queued.peek()) != null) {
                if (current == null) {
                    queued.poll();
                    if (discardingBody) {
                        discardingBody = !(m instanceof LastHttpContent);
                        ReferenceCountUtil.release(m);
                    } else if (m instanceof HttpRequest) {
                        startExchange(ctx, (HttpRequest) m);
                    } else {
                        ReferenceCountUtil.release(m);
                    }
                } else if (!current.requestComplete() && m instanceof HttpContent) {
                    queued.poll();
                    current.onRequestContent((HttpContent) m);
                } else {
                    break; // a pipelined request waits for the current response
                }
            }
        } finally {
            dispatching = false;
        }
        if (queued.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void startExchange(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            rejectAndClose(ctx, request, errorFor(result.cause()), String.valueOf(result.cause().getMessage()));
            return;
        }
        if (request.headers().size() > listener.options().maxHeaderCount()) {
            rejectAndClose(ctx, request, ProxyError.HEADERS_TOO_LARGE,
                    "header count " + request.headers().size() + " (expected: <= " + listener.options().maxHeaderCount() + ")");
            return;
        }
        if (!http2 && !request.headers().contains(HttpHeaderNames.HOST)) {
            rejectAndClose(ctx, request, ProxyError.BAD_REQUEST, "missing Host header");
            return;
        }
        listener.drain().begin();
        if (!http2 && listener.drain().draining()) {
            closeWhenIdle = true;
        }
        // reading goes on while the exchange runs (pausing and resuming it costs two system calls a request):
        // pipelined requests queue up to MAX_QUEUED, and body parts that arrive before the upstream is ready
        // pause reading in the exchange
        current = new Exchange(this, ctx, listener, request, http2);
        current.start();
    }

    private static ProxyError errorFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return ProxyError.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return ProxyError.HEADERS_TOO_LARGE;
        }
        return ProxyError.BAD_REQUEST;
    }

    private void rejectAndClose(ChannelHandlerContext ctx, HttpRequest request, ProxyError error, String detail) {
        listener.metrics().proxyError(listener.direction(), error.code());
        FullHttpResponse response = ErrorResponses.of(error, detail, false, ctx.alloc());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        listener.telemetry().reportRejected(listener.direction(), request, ctx.channel(), response, error.code());
        ReferenceCountUtil.release(request);
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (current != null) {
            current.onDownstreamReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && ctx.channel().isWritable()) {
            current.onDownstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Whether this channel is inside a read batch: writes upstream may then wait for the batch's end
     * ({@link #channelReadComplete}), so a head and the body parts that came with it go out in one write.
     */
    boolean inReadBatch() {
        return reading;
    }

    /** The exchange's response is complete. */
    void exchangeDone(Exchange exchange, boolean requestComplete) {
        if (exchange != current) {
            return;
        }
        current = null;
        listener.drain().end();
        if (!requestComplete) {
            if (http2) {
                // the response ended first: drain the rest of the request body, then the stream closes
                discardingBody = true;
                drainQueue();
                ctx.channel().config().setAutoRead(true);
            } else {
                // an HTTP/1.1 connection cannot skip an unread body reliably: close it after the response
                ctx.flush();
                ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        afterExchange();
    }

    /** The exchange could not finish its response: break the downstream message. */
    void exchangeAborted(Exchange exchange) {
        if (exchange == current) {
            current = null;
            listener.drain().end();
        }
        ctx.close();
    }

    /** A 101 switched protocols: this connection becomes a byte relay with {@code upstream}. */
    void switchToRelay(Channel upstream) {
        current = null;
        listener.drain().end();
        io.netty.channel.ChannelPipeline p = ctx.pipeline();
        p.replace(this, "relay", new RelayHandler(upstream, null));
        for (String name : new String[] {"keepalive", "expect", "http-codec"}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
        ctx.channel().config().setAutoRead(true);
    }

    private void afterExchange() {
        if (closeWhenIdle || !http2 && listener.drain().draining()) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        drainQueue();
        if (current == null) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DrainEvent.INSTANCE) {
            if (current == null) {
                ctx.close();
            } else {
                closeWhenIdle = true;
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            Exchange e = current;
            current = null;
            listener.drain().end();
            e.abort();
        }
        Object m;
        while ((m = queued.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("downstream {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
