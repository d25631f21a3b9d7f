package dev.trellis.proxy.http;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.HeaderMutations;
import dev.trellis.proxy.config.Redirect;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.filter.fault.FaultDecision;
import dev.trellis.proxy.filter.retry.Backoff;
import dev.trellis.proxy.filter.retry.ReplayBuffer;
import dev.trellis.proxy.metrics.PeerLabel;
import dev.trellis.proxy.metrics.RouteStats;
import dev.trellis.proxy.route.CompiledRoute;
import dev.trellis.proxy.route.Router;
import dev.trellis.proxy.runtime.ClusterRuntime;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.tcp.RelayHandler;
import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestOutcome;
import dev.trellis.proxy.upstream.ProxyError;
import dev.trellis.proxy.upstream.ProxyException;
import dev.trellis.proxy.upstream.UpstreamHandler;
import dev.trellis.proxy.upstream.UpstreamProtocol;
import dev.trellis.proxy.upstream.WorkerUpstreams;
import dev.trellis.proxy.upstream.lb.EndpointState;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response, streamed between a downstream channel (an HTTP/1.1 connection or an HTTP/2
 * stream) and one or more {@link Attempt}s upstream, all on one event loop. The route's policies apply in one
 * place, in this order: rate limit, fault injection, circuit breakers, then attempts under the request deadline,
 * each with its per-try timeout, retried within the budget while nothing has reached the caller yet.
 * Bodies are never buffered whole: parts flow on as they arrive (a bounded copy is kept only for replay).
 */
final class Exchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final HttpProxyHandler owner;
    private final ChannelHandlerContext down;
    private final ListenerContext listener;
    private final HttpRequest head;
    private final boolean downstreamHttp2;
    private final boolean grpc;
    private final boolean upgrade;
    private final long startNanos = System.nanoTime();
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(4);
    /** Copies of this request to the route's mirrors; null when it has none. */
    private ShadowRequest[] shadows;

    private RouteStats stats;
    private RetryPolicy retry = RetryPolicy.NONE;
    /** The matched route's changes to the response head (its ResponseHeaderModifier). */
    private HeaderMutations.Direction responseHeaders = HeaderMutations.Direction.NONE;
    private ClusterConfig cluster;
    private EndpointSet endpoints;
    private ClusterRuntime runtime;
    private WorkerUpstreams worker;
    private ReplayBuffer replay;
    private Attempt attempt;
    private int attempts;
    private int retrySlots;
    private boolean requestSlot;
    private long deadlineNanos;
    private ScheduledFuture<?> deadlineTimer;
    private ScheduledFuture<?> backoffTimer;
    private int status;
    private String grpcStatus;
    private boolean requestComplete;
    private boolean committed;
    private boolean upstreamReusable = true;
    private boolean upstreamDone;
    private boolean wroteUpstream;
    private boolean wroteDownstream;
    private boolean done;
    private RequestObserver observer;
    private long requestBytes;
    private long responseBytes;
    private long responseHeadNanos;
    private String proxyError;
    private String lastEndpoint;

    Exchange(HttpProxyHandler owner, ChannelHandlerContext down, ListenerContext listener, HttpRequest request,
             boolean downstreamHttp2) {
        this.owner = owner;
        this.down = down;
        this.listener = listener;
        this.downstreamHttp2 = downstreamHttp2;
        if (request instanceof FullHttpRequest) {
            // a whole request becomes head + last part, so every attempt can send its own copy of the head
            FullHttpRequest full = (FullHttpRequest) request;
            this.head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            pending.add(new DefaultLastHttpContent(full.content().retain(), full.trailingHeaders()));
            requestBytes = full.content().readableBytes();
            full.release();
            requestComplete = true;
        } else {
            this.head = request;
        }
        this.grpc = ErrorResponses.isGrpc(head.headers());
        this.upgrade = !downstreamHttp2 && head.headers().contains(HttpHeaderNames.UPGRADE)
                && !head.headers().contains(HttpHeaderNames.UPGRADE, "h2c", true);
    }

    boolean requestComplete() {
        return requestComplete;
    }

    void start() {
        observer = listener.telemetry().observe(listener.direction(), head, down.channel());
        RuntimeConfig config = listener.config().current();
        Router router = config == null ? null : config.router(listener.name());
        String authority = Router.authorityOf(head);
        Router.CompiledVirtualHost vh = router == null ? null : router.virtualHost(authority);
        if (vh == null) {
            fail(ProxyError.NO_ROUTE, "no service for authority " + authority);
            return;
        }
        CompiledRoute route = Router.match(vh, head);
        if (route == null) {
            stats = vh.unmatched().forPeer(PeerLabel.identity(listener, down.channel(), null));
            stats.request();
            fail(ProxyError.NO_ROUTE, "no route of " + vh.service() + " matches " + head.method() + " " + head.uri());
            return;
        }
        Redirect redirect = route.action().redirect();
        String clusterName = redirect != null ? "" : route.pickCluster(); // a redirect goes to no cluster
        cluster = redirect != null ? null : config.cluster(clusterName);
        stats = route.stats().forPeer(PeerLabel.identity(listener, down.channel(), cluster));
        stats.request();
        if (observer != null) {
            observer.onRoute(vh.service(), route.name(), clusterName);
        }
        if (route.rateLimiter() != null && !route.rateLimiter().tryTake()) {
            route.policyCounters().rateLimited().increment();
            fail(ProxyError.RATE_LIMITED, "route " + route.name() + " is over its rate limit");
            return;
        }
        if (redirect != null) {
            redirect(redirect, route);
            return;
        }
        if (cluster == null) {
            fail(ProxyError.NO_ENDPOINTS, "unknown cluster " + clusterName);
            return;
        }
        endpoints = config.endpoints(clusterName);
        runtime = config.clusterRuntime(clusterName);
        worker = listener.upstreams().of(down.channel().eventLoop());
        retry = upgrade ? RetryPolicy.NONE : route.action().retry();
        if (runtime != null) {
            runtime.budget().onRequest();
            if (!runtime.breakers().tryAcquireRequest()) {
                runtime.overflowRequests.increment();
                fail(ProxyError.OVERFLOW, cluster.name() + " has " + cluster.circuitBreakers().maxRequests() + " requests in flight");
                return;
            }
            requestSlot = true;
        }
        startDeadline(route.timeoutMillis());
        HopByHop.strip(head.headers(), upgrade);
        route.action().headers().request().applyTo(head.headers());
        if (route.action().rewrite() != null) {
            route.action().rewrite().applyTo(head);
        }
        responseHeaders = route.action().headers().response();
        if (retry.maxRetries() > 0) {
            replay = new ReplayBuffer(retry.maxReplayBytes());
        }
        FaultDecision fault = FaultDecision.of(route.action().fault(), head.headers());
        if (fault.aborts()) {
            route.policyCounters().faultAborts().increment();
            failWithStatus(ProxyError.FAULT_INJECTED, fault.abortStatus(), fault.abortGrpcStatus(), "abort injected by route " + route.name());
            return;
        }
        if (fault.delayMillis() > 0) {
            route.policyCounters().faultDelays().increment();
            backoffTimer = down.channel().eventLoop().schedule(() -> send(route, config), fault.delayMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        send(route, config);
    }

    /** The request leaves: copies to the route's mirrors, and the first attempt. */
    private void send(CompiledRoute route, RuntimeConfig config) {
        if (!route.action().mirrors().isEmpty() && !upgrade && !done) {
            startShadows(route, config);
        }
        startAttempt(null);
    }

    /** A route the sidecar answers itself: the redirect, with the route's response headers. */
    private void redirect(Redirect redirect, CompiledRoute route) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(redirect.status()),
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, redirect.location(head)).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        route.action().headers().response().applyTo(response.headers());
        reply(response);
    }

    /** Copies of the request, as the route changed it, to each mirror that samples it; the body follows as it comes. */
    private void startShadows(CompiledRoute route, RuntimeConfig config) {
        var mirrors = route.action().mirrors();
        ShadowRequest[] started = new ShadowRequest[mirrors.size()];
        int n = 0;
        for (int i = 0; i < mirrors.size(); i++) {
            if (ShadowRequest.sampled(mirrors.get(i))) {
                ShadowRequest shadow = ShadowRequest.start(mirrors.get(i), head, downstreamHttp2, requestComplete,
                        route.timeoutMillis(), listener, config, worker);
                if (shadow != null) {
                    for (HttpContent part : pending) {
                        shadow.send(part.retainedDuplicate());
                    }
                    started[n++] = shadow;
                }
            }
        }
        if (n > 0) {
            shadows = n == started.length ? started : Arrays.copyOf(started, n);
        }
    }

    /** The route timeout, tightened (never extended) by a gRPC caller's deadline. */
    private void startDeadline(long routeTimeoutMillis) {
        long millis = routeTimeoutMillis;
        if (grpc) {
            long grpcMillis = GrpcTimeout.parseMillis(head.headers().get(GrpcTimeout.HEADER));
            if (grpcMillis > 0 && (millis <= 0 || grpcMillis < millis)) {
                millis = grpcMillis;
            }
        }
        if (millis > 0) {
            deadlineNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(millis);
            deadlineTimer = down.channel().eventLoop().schedule(this::onDeadline, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void startAttempt(EndpointState avoid) {
        backoffTimer = null;
        if (done) {
            return;
        }
        EndpointState picked = worker.pick(cluster, endpoints, avoid, runtime == null ? null : runtime.outlier());
        if (picked == null) {
            fail(ProxyError.NO_ENDPOINTS, "no endpoints for " + cluster.name());
            return;
        }
        if (runtime != null && !runtime.breakers().tryAcquirePending()) {
            runtime.overflowPending.increment();
            fail(ProxyError.OVERFLOW, cluster.name() + " has " + cluster.circuitBreakers().maxPendingRequests() + " pending requests");
            return;
        }
        UpstreamProtocol protocol = upgrade ? UpstreamProtocol.HTTP1_UPGRADE : UpstreamProtocol.of(picked.endpoint(), cluster);
        attempts++;
        lastEndpoint = picked.authority();
        attempt = new Attempt(this, picked, protocol, worker);
        attempt.start(cluster, retry.perTryTimeout().toMillis());
    }

    void releasePendingSlot() {
        if (runtime != null) {
            runtime.breakers().releasePending();
        }
    }

    /** The attempt is connected: send it the head, what earlier attempts sent, and what is pending. */
    void sendRequestOn(Attempt a) {
        if (done || a != attempt) {
            a.abandon();
            return;
        }
        Channel up = a.upstream();
        // the head is encoded synchronously by write(), and prepareHead resets every per-attempt header,
        // so each attempt can send the same head object without a copy
        prepareHead(head, a.protocol());
        if (observer != null) {
            observer.onAttempt(attempts, lastEndpoint, head.headers());
        }
        up.write(head);
        if (replay != null && replay.replayable()) {
            for (HttpContent dup : replay.duplicates()) {
                up.write(dup);
            }
        }
        HttpContent part;
        while ((part = pending.poll()) != null) {
            keepForReplay(part);
            up.write(part);
        }
        if (owner.inReadBatch()) {
            wroteUpstream = true; // flushed at the end of the read batch, with what else it brings
        } else {
            up.flush();
        }
        // an HTTP/2 stream keeps reading after its request ends: that is how a reset (cancellation) arrives
        if ((!requestComplete || downstreamHttp2) && up.isWritable()) {
            down.channel().config().setAutoRead(true);
        }
    }

    private void prepareHead(HttpRequest request, UpstreamProtocol protocol) {
        if (deadlineNanos > 0 && grpc) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            request.headers().set(GrpcTimeout.HEADER, GrpcTimeout.format(left));
        }
        adaptHead(request, protocol, downstreamHttp2, requestComplete);
    }

    /** The head as the upstream protocol needs it: the caller's protocol noted for HTTP/2, HTTP/1 framing for HTTP/1. */
    static void adaptHead(HttpRequest request, UpstreamProtocol protocol, boolean downstreamHttp2, boolean requestComplete) {
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

    private void keepForReplay(HttpContent part) {
        if (replay != null) {
            replay.keep(part);
        }
    }

    /** A request body part from downstream; ownership passes here. */
    void onRequestContent(HttpContent part) {
        if (part instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (shadows != null) {
            for (ShadowRequest shadow : shadows) {
                shadow.send(part.retainedDuplicate());
            }
        }
        requestBytes += part.content().readableBytes();
        if (done) {
            part.release();
            return;
        }
        Channel up = attempt == null || attempt.ended() ? null : attempt.upstream();
        if (up == null) {
            pending.add(part);
            down.channel().config().setAutoRead(false);
            return;
        }
        keepForReplay(part);
        if (requestComplete && !owner.inReadBatch()) {
            // the request is whole and no read batch will end to flush it (e.g. a queued pipelined request)
            up.writeAndFlush(part);
            wroteUpstream = false;
            return;
        }
        up.write(part);
        wroteUpstream = true;
        if (!up.isWritable()) {
            down.channel().config().setAutoRead(false);
        }
    }

    void onDownstreamReadComplete() {
        if (wroteUpstream && attempt != null && attempt.upstream() != null) {
            wroteUpstream = false;
            attempt.upstream().flush();
        }
    }

    void onDownstreamWritable() {
        if (attempt != null && attempt.upstream() != null && !upstreamDone) {
            attempt.upstream().config().setAutoRead(true);
        }
    }

    void onUpstreamWritable() {
        if ((!requestComplete || downstreamHttp2) && !done) {
            down.channel().config().setAutoRead(true);
        }
    }

    void flushDownstream() {
        if (wroteDownstream) {
            wroteDownstream = false;
            down.flush();
        }
    }

    void onAttemptResponse(Attempt a, HttpObject msg) {
        if (done || a != attempt) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse) {
            HttpResponse response = (HttpResponse) msg;
            int code = response.status().code();
            String grpcInHeaders = msg instanceof FullHttpResponse ? response.headers().get("grpc-status") : null;
            if (!committed && RetryConditions.retryableStatus(retry, code, grpcInHeaders) && mayRetry(Attempt.Failure.RESET, true)) {
                ReferenceCountUtil.release(msg);
                reportOutcome(a, code);
                a.abandon();
                attempt = null;
                scheduleRetry(a.endpoint(), "status_" + code);
                return;
            }
            committed = true;
            status = code;
            if (a.protocol() != UpstreamProtocol.HTTP2 && !HttpUtil.isKeepAlive(response)) {
                upstreamReusable = false;
            }
            boolean switching = upgrade && code == 101;
            HopByHop.strip(response.headers(), switching);
            if (!switching) {
                HopByHop.stripHttp2Extensions(response.headers());
            }
            responseHeaders.applyTo(response.headers());
            grpcStatus = grpcInHeaders;
            responseHeadNanos = System.nanoTime();
            if (observer != null) {
                observer.onResponseHeaders(code, response.headers());
            }
        }
        if (msg instanceof HttpContent) {
            responseBytes += ((HttpContent) msg).content().readableBytes();
        }
        if (msg instanceof LastHttpContent) {
            upstreamDone = true;
            if (grpcStatus == null) {
                grpcStatus = ((LastHttpContent) msg).trailingHeaders().get("grpc-status");
            }
        }
        down.write(msg);
        wroteDownstream = true;
        if (!upstreamDone && !down.channel().isWritable()) {
            a.upstream().config().setAutoRead(false);
        }
        if (upstreamDone) {
            if (upgrade && status == 101) {
                switchToRelay();
            } else {
                if (!requestComplete) {
                    // the upstream answered before the request ended: stop sending it
                    upstreamReusable = false;
                }
                finish();
            }
        }
    }

    void onUpgradedBytes(Object msg) {
        down.writeAndFlush(msg);
    }

    void attemptFailed(Attempt a, Attempt.Failure failure, Throwable cause) {
        if (done || a != attempt) {
            a.abandon();
            return;
        }
        a.abandon();
        attempt = null;
        if (cause instanceof ProxyException refused && refused.error() == ProxyError.OVERFLOW) {
            // the connection limit kept the request waiting too long: the endpoint did nothing wrong
            fail(ProxyError.OVERFLOW, refused.getMessage());
            return;
        }
        reportOutcome(a, 0);
        if (!requestComplete) {
            down.channel().config().setAutoRead(false);
        }
        String where = a.endpoint().authority();
        if (committed) {
            abortMidResponse(ProxyError.UPSTREAM_RESET);
        } else if (mayRetry(failure, false)) {
            scheduleRetry(a.endpoint(), failure.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            switch (failure) {
                case CONNECT:
                    fail(cause instanceof ConnectTimeoutException ? ProxyError.CONNECT_TIMEOUT : ProxyError.CONNECT_REFUSED,
                            where + ": " + (cause == null ? "connect failed" : cause.getMessage()));
                    break;
                case PER_TRY_TIMEOUT:
                    fail(ProxyError.UPSTREAM_TIMEOUT, where + " did not answer within the per-try timeout");
                    break;
                default:
                    fail(ProxyError.UPSTREAM_RESET, where + " closed the stream" + (cause == null || cause.getMessage() == null
                            ? "" : ": " + cause.getMessage()));
            }
        }
    }

    /** Whether another attempt may start: conditions, attempts left, replayable body, deadline, budget, breaker. */
    private boolean mayRetry(Attempt.Failure failure, boolean byStatus) {
        if (done || committed || attempts > retry.maxRetries()) {
            return false;
        }
        if (!RetryConditions.allowed(retry, failure, byStatus, head.method(), grpc)) {
            return false;
        }
        if (replay == null || !replay.replayable()) {
            return false;
        }
        if (deadlineNanos > 0 && System.nanoTime() >= deadlineNanos) {
            return false;
        }
        if (runtime != null) {
            if (!runtime.budget().tryRetry()) {
                runtime.budgetExhausted.increment();
                return false;
            }
            if (!runtime.breakers().tryAcquireRetry()) {
                runtime.overflowRetries.increment();
                return false;
            }
            retrySlots++;
        }
        return true;
    }

    private void scheduleRetry(EndpointState failed, String reason) {
        if (runtime != null) {
            runtime.retries.increment();
        }
        listener.metrics().counter("retry_attempts_total", "direction=\"" + listener.direction() + "\",cluster=\""
                + cluster.name() + "\",reason=\"" + reason + "\"").increment();
        if (observer != null) {
            observer.onRetry(attempts, reason);
        }
        long delay = Backoff.delayMillis(retry, attempts);
        backoffTimer = down.channel().eventLoop().schedule(() -> startAttempt(failed), delay, TimeUnit.MILLISECONDS);
    }

    private void reportOutcome(Attempt a, int code) {
        if (runtime != null && runtime.outlier() != null) {
            runtime.outlier().report(a.endpoint().authority(), code, endpoints.endpoints().size());
        }
    }

    private void onDeadline() {
        deadlineTimer = null;
        if (done) {
            return;
        }
        upstreamReusable = false;
        if (committed) {
            abortMidResponse(ProxyError.REQUEST_TIMEOUT);
        } else {
            fail(ProxyError.REQUEST_TIMEOUT, "no response within the request timeout");
        }
    }

    /** The downstream went away: cancel the upstream side (an HTTP/2 upstream gets RST_STREAM). */
    void abort() {
        if (shadows != null) {
            for (ShadowRequest shadow : shadows) {
                shadow.callerAborted();
            }
        }
        if (done) {
            return;
        }
        done = true;
        if (attempt != null) {
            attempt.abandon();
        }
        releaseAll();
        notifyEnd(true);
    }

    /** Too late for an error response: cut both sides so the caller sees a broken message, not a short one. */
    private void abortMidResponse(ProxyError error) {
        listener.metrics().proxyError(listener.direction(), error.code());
        proxyError = error.code();
        done = true;
        if (attempt != null) {
            attempt.abandon();
        }
        releaseAll();
        notifyEnd(true);
        owner.exchangeAborted(this);
    }

    private void fail(ProxyError error, String detail) {
        failWithStatus(error, error.status(), null, detail);
    }

    private void failWithStatus(ProxyError error, int httpStatus, Integer grpcCode, String detail) {
        if (done) {
            return;
        }
        if (committed) {
            abortMidResponse(error);
            return;
        }
        listener.metrics().proxyError(listener.direction(), error.code());
        proxyError = error.code();
        if (attempt != null) {
            attempt.abandon();
            attempt = null;
        }
        FullHttpResponse response = ErrorResponses.of(error, detail, grpc, down.alloc());
        if (!grpc && httpStatus != error.status()) {
            response.setStatus(HttpResponseStatus.valueOf(httpStatus));
        } else if (grpc && grpcCode != null) {
            response.headers().set("grpc-status", grpcCode.toString());
        }
        // as Envoy's router does for its local replies: once a route is chosen, its response headers apply
        responseHeaders.applyTo(response.headers());
        reply(response);
    }

    /** A response the sidecar makes itself (an error, a redirect): the exchange ends with it. */
    private void reply(FullHttpResponse response) {
        status = response.status().code();
        grpcStatus = grpc ? response.headers().get("grpc-status") : null;
        responseBytes += response.content().readableBytes();
        committed = true;
        upstreamDone = true;
        upstreamReusable = false;
        down.write(response);
        wroteDownstream = true;
        finish();
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        if (stats != null) {
            stats.response(status, grpcStatus).record(System.nanoTime() - startNanos);
        }
        if (attempt != null) {
            reportOutcome(attempt, status);
            attempt.complete(upstreamReusable && requestComplete);
        }
        releaseAll();
        flushDownstream();
        notifyEnd(false);
        owner.exchangeDone(this, requestComplete);
    }

    private void notifyEnd(boolean aborted) {
        if (observer == null) {
            return;
        }
        RequestObserver o = observer;
        observer = null;
        long now = System.nanoTime();
        try {
            o.onEnd(new RequestOutcome(aborted && !committed ? 0 : status, grpcStatus, proxyError, aborted,
                    now - startNanos, responseHeadNanos == 0 ? -1 : responseHeadNanos - startNanos,
                    requestBytes, responseBytes, attempts, lastEndpoint));
        } catch (RuntimeException e) {
            log.warn("request observer failed: {}", e.toString());
        }
    }

    private void releaseAll() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
            deadlineTimer = null;
        }
        if (backoffTimer != null) {
            backoffTimer.cancel(false);
            backoffTimer = null;
        }
        HttpContent part;
        while ((part = pending.poll()) != null) {
            part.release();
        }
        if (replay != null) {
            replay.release();
        }
        if (runtime != null) {
            if (requestSlot) {
                requestSlot = false;
                runtime.breakers().releaseRequest();
            }
            for (; retrySlots > 0; retrySlots--) {
                runtime.breakers().releaseRetry();
            }
        }
    }

    private void switchToRelay() {
        done = true;
        long now = System.nanoTime();
        stats.response(status, null).record(now - startNanos);
        notifyEnd(false);
        Channel up = attempt.detachForRelay();
        attempt = null;
        releaseAll();
        down.flush();
        // relays first, codecs after: bytes a codec still holds flow into the relay when it is removed
        up.pipeline().replace(UpstreamHandler.class, "relay", new RelayHandler(down.channel(), null));
        up.pipeline().remove("codec");
        if (up.pipeline().get("idle") != null) {
            up.pipeline().remove("idle");
        }
        owner.switchToRelay(up);
        up.config().setAutoRead(true);
    }
}
