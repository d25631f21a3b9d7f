package dev.trellis.proxy.filter.authz;

import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Authorization on an inbound HTTP/1.1 connection or HTTP/2 stream, before routing (where Envoy runs its
 * RBAC filter): each request is decided against the listener's policies in force when it arrives. A
 * denied request never reaches the application; it is answered 403 (gRPC: PERMISSION_DENIED) with the
 * reason in a header, and counted.
 *
 * <p>On HTTP/1.1 the answer waits for the responses of requests that arrived before it (pipelining keeps
 * its order), then the connection closes; whatever the client sent after the denied request is dropped.
 * On HTTP/2 only the stream is answered.
 */
public final class AuthorizationHandler extends ChannelDuplexHandler {
    private final ListenerContext listener;
    private final AuthzStats stats;
    private final boolean http2;
    private int inFlight;
    private FullHttpResponse deferred;
    private boolean dropping;

    public AuthorizationHandler(ListenerContext listener, AuthzStats stats, boolean http2) {
        this.listener = listener;
        this.stats = stats;
        this.http2 = http2;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (dropping) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            AuthzDecision d = Authorizer.decide(authorization(), AuthzRequest.of(request, ctx.channel(), listener.options().appPort()));
            if (d != AuthzDecision.ALLOWED_NO_POLICY) {
                stats.count(d);
            }
            if (!d.allowed()) {
                deny(ctx, request, d);
                return;
            }
            inFlight++;
        }
        ctx.fireChannelRead(msg);
    }

    private Authorization authorization() {
        RuntimeConfig config = listener.config().current();
        ListenerConfig lc = config == null ? null : config.listener(listener.name());
        return lc == null ? Authorization.NONE : lc.authorization();
    }

    private void deny(ChannelHandlerContext ctx, HttpRequest request, AuthzDecision d) {
        HttpHeaders h = request.headers();
        String ct = h.get(HttpHeaderNames.CONTENT_TYPE);
        FullHttpResponse response = AuthorizationDenials.response(d, ct != null && ct.startsWith("application/grpc"), ctx.alloc());
        listener.telemetry().reportRejected(listener.direction(), request, ctx.channel(), response, AuthorizationDenials.CAUSE);
        ReferenceCountUtil.release(request);
        dropping = !(request instanceof LastHttpContent) || !http2; // the rest of this request (HTTP/1.1: of the connection)
        if (http2) {
            ctx.writeAndFlush(response);
            return;
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (inFlight == 0) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            deferred = response;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean ends = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (ends && inFlight > 0 && --inFlight == 0 && deferred != null) {
            FullHttpResponse r = deferred;
            deferred = null;
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deferred != null) {
            deferred.release();
            deferred = null;
        }
    }
}
