package dev.trellis.proxy.http;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.metrics.RouteStats;
import dev.trellis.proxy.route.CompiledRoute;
import dev.trellis.proxy.route.Router;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.tcp.RelayHandler;
import dev.trellis.proxy.upstream.ProxyError;
import dev.trellis.proxy.upstream.ResponseSink;
import dev.trellis.proxy.upstream.UpstreamHandler;
import dev.trellis.proxy.upstream.UpstreamProtocol;
import dev.trellis.proxy.upstream.WorkerUpstreams;
import dev.trellis.proxy.upstream.lb.EndpointState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response, streamed between a downstream channel (an HTTP/1.1 connection or an
 * HTTP/2 stream) and one upstream stream, all on one event loop. Bodies are never buffered whole: each
 * part is written on as it arrives, and each side stops reading while the other cannot take more.
 */
final class Exchange implements ResponseSink {
    /** Connect failures are retried on another endpoint this many times (nothing was sent yet). */
    static final int CONNECT_RETRIES = 2;

    private final HttpProxyHandler owner;
    private final ChannelHandlerContext down;
    private final ListenerContext listener;
    private final HttpRequest request;
    private final boolean downstreamHttp2;
    private final boolean grpc;
    private final boolean upgrade;
    private final long startNanos = System.nanoTime();
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(4);

    private RouteStats stats;
    private ClusterConfig cluster;
    private EndpointSet endpoints;
    private WorkerUpstreams worker;
    private EndpointState endpoint;
    private UpstreamProtocol protocol;
    private Channel upstream;
    private UpstreamHandler upstreamHandler;
    private ScheduledFuture<?> timeout;
    private int connectAttempts;
    private int status;
    private String grpcStatus;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean upstreamReusable = true;
    private boolean wroteUpstream;
    private boolean wroteDownstream;
    private boolean upstreamDoneWithResponse;
    private boolean endpointActive;
    private boolean done;

    Exchange(HttpProxyHandler owner, ChannelHandlerContext down, ListenerContext listener, HttpRequest request,
             boolean downstreamHttp2) {
        this.owner = owner;
        this.down = down;
        this.listener = listener;
        this.request = request;
        this.downstreamHttp2 = downstreamHttp2;
        this.grpc = ErrorResponses.isGrpc(request.headers());
        this.upgrade = !downstreamHttp2 && request.headers().contains(HttpHeaderNames.UPGRADE)
                && !request.headers().contains(HttpHeaderNames.UPGRADE, "h2c", true);
        if (request instanceof LastHttpContent) {
            requestComplete = true;
        }
    }

    boolean requestComplete() {
        return requestComplete;
    }

    void start() {
        RuntimeConfig config = listener.config().current();
        Router router = config == null ? null : config.router(listener.name());
        String authority = Router.authorityOf(request);
        Router.CompiledVirtualHost vh = router == null ? null : router.virtualHost(authority);
        if (vh == null) {
            fail(ProxyError.NO_ROUTE, "no service for authority " + authority);
            return;
        }
        CompiledRoute route = Router.match(vh, request);
        if (route == null) {
            stats = vh.unmatched();
            stats.request();
            fail(ProxyError.NO_ROUTE, "no route of " + vh.service() + " matches " + request.method() + " " + request.uri());
            return;
        }
        stats = route.stats();
        stats.request();
        String clusterName = route.pickCluster();
        cluster = config.cluster(clusterName);
        if (cluster == null) {
            fail(ProxyError.NO_ENDPOINTS, "unknown cluster " + clusterName);
            return;
        }
        endpoints = config.endpoints(clusterName);
        worker = listener.upstreams().of(down.channel().eventLoop());
        if (route.timeoutMillis() > 0) {
            timeout = down.channel().eventLoop().schedule(this::onTimeout, route.timeoutMillis(), TimeUnit.MILLISECONDS);
        }
        HopByHop.strip(request.headers(), upgrade);
        connect();
    }

    private void connect() {
        EndpointState picked = worker.pick(cluster, endpoints, endpoint);
        if (picked == null) {
            fail(ProxyError.NO_ENDPOINTS, "no endpoints for " + cluster.name());
            return;
        }
        endpoint = picked;
        protocol = upgrade ? UpstreamProtocol.HTTP1_UPGRADE
                : picked.endpoint().meshed() || cluster.protocol() == ClusterConfig.UpstreamProtocol.HTTP2
                        ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1;
        picked.onStart();
        endpointActive = true;
        Future<Channel> f = worker.acquire(picked.endpoint(), protocol, cluster);
        if (f.isDone()) {
            onAcquired(f);
        } else {
            f.addListener(x -> onAcquired(f));
        }
    }

    private void onAcquired(Future<Channel> f) {
        if (done) {
            if (f.isSuccess()) {
                f.getNow().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            endpointAbort();
            ProxyError error = f.cause() instanceof ConnectTimeoutException ? ProxyError.CONNECT_TIMEOUT : ProxyError.CONNECT_REFUSED;
            if (connectAttempts++ < CONNECT_RETRIES && endpoints.endpoints().size() > 1) {
                connect();
            } else {
                fail(error, endpoint.endpoint().authority() + ": " + f.cause().getMessage());
            }
            return;
        }
        upstream = f.getNow();
        upstreamHandler = upstream.pipeline().get(UpstreamHandler.class);
        upstreamHandler.attach(this);
        prepareHead();
        upstream.write(request);
        HttpContent part;
        while ((part = pending.poll()) != null) {
            upstream.write(part);
        }
        upstream.flush();
        // an HTTP/2 stream keeps reading after its request ends: that is how a reset (cancellation) arrives
        if ((!requestComplete || downstreamHttp2) && upstream.isWritable()) {
            down.channel().config().setAutoRead(true);
        }
    }

    private void prepareHead() {
        if (protocol == UpstreamProtocol.HTTP2) {
            if (!downstreamHttp2) {
                request.headers().set(HopByHop.ORIG_PROTO, request.protocolVersion().text());
            }
            return;
        }
        HopByHop.stripHttp2Extensions(request.headers());
        request.headers().remove(HopByHop.ORIG_PROTO);
        // an HTTP/2 request body has no HTTP/1 framing of its own: chunk it unless its length is known
        if (downstreamHttp2 && !requestComplete && !HttpUtil.isContentLengthSet(request)) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
    }

    /** A request body part from downstream; ownership passes here. */
    void onRequestContent(HttpContent part) {
        if (part instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (done) {
            part.release();
            return;
        }
        if (upstream == null) {
            pending.add(part);
            return;
        }
        if (requestComplete) {
            // the request is whole: send it now (this may run outside a read, e.g. a replayed pipelined request)
            upstream.writeAndFlush(part);
            wroteUpstream = false;
            return;
        }
        upstream.write(part);
        wroteUpstream = true;
        if (!upstream.isWritable()) {
            down.channel().config().setAutoRead(false);
        }
    }

    void onDownstreamReadComplete() {
        if (wroteUpstream && upstream != null) {
            wroteUpstream = false;
            upstream.flush();
        }
    }

    void onDownstreamWritable() {
        if (upstream != null && !upstreamDoneWithResponse) {
            upstream.config().setAutoRead(true);
        }
    }

    @Override
    public void onUpstreamWritable() {
        if ((!requestComplete || downstreamHttp2) && !done) {
            down.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void onResponse(HttpObject msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse) {
            HttpResponse response = (HttpResponse) msg;
            responseStarted = true;
            status = response.status().code();
            if (protocol != UpstreamProtocol.HTTP2 && !HttpUtil.isKeepAlive(response)) {
                upstreamReusable = false;
            }
            boolean switching = upgrade && status == 101;
            HopByHop.strip(response.headers(), switching);
            if (!switching) {
                HopByHop.stripHttp2Extensions(response.headers());
            }
            if (msg instanceof FullHttpResponse) {
                grpcStatus = response.headers().get("grpc-status");
            }
        }
        if (msg instanceof LastHttpContent) {
            upstreamDoneWithResponse = true;
            if (grpcStatus == null) {
                grpcStatus = ((LastHttpContent) msg).trailingHeaders().get("grpc-status");
            }
        }
        down.write(msg);
        wroteDownstream = true;
        if (!upstreamDoneWithResponse && !down.channel().isWritable()) {
            upstream.config().setAutoRead(false);
        }
        if (upstreamDoneWithResponse) {
            if (upgrade && status == 101) {
                switchToRelay();
            } else if (requestComplete) {
                finish();
            } else {
                // the upstream answered before the request ended: stop sending it
                upstreamReusable = false;
                finish();
            }
        }
    }

    @Override
    public void onResponseReadComplete() {
        if (wroteDownstream) {
            wroteDownstream = false;
            down.flush();
        }
    }

    @Override
    public void onUpgradedBytes(Object msg) {
        down.writeAndFlush(msg);
    }

    @Override
    public void onUpstreamFailure(Channel ch, Throwable cause) {
        if (done || ch != upstream) {
            return;
        }
        upstreamReusable = false;
        fail(ProxyError.UPSTREAM_RESET, endpoint.endpoint().authority() + " closed the stream"
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private void onTimeout() {
        timeout = null;
        if (!done) {
            upstreamReusable = false;
            fail(ProxyError.REQUEST_TIMEOUT, "no complete response within the route timeout");
        }
    }

    /** The downstream went away: cancel the upstream side (an HTTP/2 upstream gets RST_STREAM). */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        releasePending();
        endpointAbort();
        closeUpstream();
    }

    private void fail(ProxyError error, String detail) {
        if (done) {
            return;
        }
        listener.metrics().proxyError(listener.direction(), error.code());
        if (responseStarted) {
            // too late for an error response: cut both sides so the caller sees a broken message, not a short one
            done = true;
            cancelTimeout();
            releasePending();
            endpointAbort();
            closeUpstream();
            owner.exchangeAborted(this);
            return;
        }
        FullHttpResponse response = ErrorResponses.of(error, detail, grpc, down.alloc());
        status = response.status().code();
        grpcStatus = grpc ? response.headers().get("grpc-status") : null;
        responseStarted = true;
        upstreamDoneWithResponse = true;
        down.writeAndFlush(response);
        upstreamReusable = false;
        if (upstream == null) {
            endpointAbort();
        }
        finish();
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        releasePending();
        long now = System.nanoTime();
        long elapsed = now - startNanos;
        if (stats != null) {
            stats.response(status, grpcStatus).record(elapsed);
        }
        if (endpointActive) {
            endpointActive = false;
            endpoint.onEnd(elapsed, now);
        }
        releaseUpstream();
        if (wroteDownstream) {
            wroteDownstream = false;
            down.flush();
        }
        owner.exchangeDone(this, requestComplete);
    }

    private void releaseUpstream() {
        if (upstream == null) {
            return;
        }
        upstreamHandler.detach();
        Channel ch = upstream;
        upstream = null;
        if (protocol == UpstreamProtocol.HTTP1 && upstreamReusable && requestComplete) {
            worker.releaseHttp1(endpoint.endpoint(), ch);
        } else if (protocol == UpstreamProtocol.HTTP2 && upstreamReusable && requestComplete) {
            // the stream closes itself once both directions ended; nothing to return
            if (ch.isActive()) {
                ch.config().setAutoRead(true);
            }
        } else {
            ch.close();
        }
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstreamHandler.detach();
            upstream.close();
            upstream = null;
        }
    }

    private void switchToRelay() {
        done = true;
        cancelTimeout();
        long now = System.nanoTime();
        stats.response(status, null).record(now - startNanos);
        endpointActive = false;
        endpoint.onEnd(now - startNanos, now);
        down.flush();
        Channel up = upstream;
        upstream = null;
        upstreamHandler.detach();
        // relays first, codecs after: bytes a codec still holds flow into the relay when it is removed
        up.pipeline().replace(UpstreamHandler.class, "relay", new RelayHandler(down.channel(), null));
        up.pipeline().remove("codec");
        if (up.pipeline().get("idle") != null) {
            up.pipeline().remove("idle");
        }
        owner.switchToRelay(up);
        up.config().setAutoRead(true);
    }

    private void releasePending() {
        HttpContent part;
        while ((part = pending.poll()) != null) {
            part.release();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void endpointAbort() {
        if (endpointActive) {
            endpointActive = false;
            endpoint.onAbort();
        }
    }
}
