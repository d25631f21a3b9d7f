package dev.trellis.proxy.http;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.MirrorPolicy;
import dev.trellis.proxy.runtime.ClusterRuntime;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.upstream.ResponseSink;
import dev.trellis.proxy.upstream.UpstreamHandler;
import dev.trellis.proxy.upstream.UpstreamProtocol;
import dev.trellis.proxy.upstream.WorkerUpstreams;
import dev.trellis.proxy.upstream.lb.EndpointState;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpRequest;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A copy of one request sent to a mirror cluster, fire and forget: its response is read and discarded, its failures
 * are only counted, and it never holds the real request back. The body streams to it as the caller sends it; a copy
 * that cannot keep up (more than {@link #MAX_QUEUED_BYTES} waiting for its connection or unwritten upstream) is
 * dropped rather than buffered further. Everything runs on the caller's event loop.
 */
final class ShadowRequest implements ResponseSink {
    static final int MAX_QUEUED_BYTES = 256 * 1024;
    /** A route without a timeout still bounds its copies: Envoy's default route timeout. */
    static final long DEFAULT_TIMEOUT_MILLIS = 15_000;

    private final ListenerContext listener;
    private final WorkerUpstreams worker;
    private final ClusterConfig cluster;
    private final ClusterRuntime runtime;
    private final EndpointState endpoint;
    private final UpstreamProtocol protocol;
    private final HttpRequest head;
    private final ArrayDeque<HttpContent> queued = new ArrayDeque<>(2);
    private final long startNanos = System.nanoTime();
    private long queuedBytes;
    private Channel upstream;
    private UpstreamHandler handler;
    private ScheduledFuture<?> timer;
    private boolean requestComplete;
    private boolean keepAlive = true;
    private boolean ended;

    private ShadowRequest(ListenerContext listener, WorkerUpstreams worker, ClusterConfig cluster, ClusterRuntime runtime,
                          EndpointState endpoint, HttpRequest head) {
        this.listener = listener;
        this.worker = worker;
        this.cluster = cluster;
        this.runtime = runtime;
        this.endpoint = endpoint;
        this.protocol = UpstreamProtocol.of(endpoint.endpoint(), cluster);
        this.head = head;
    }

    /** Whether this request is one the policy copies (its fraction, drawn per request). */
    static boolean sampled(MirrorPolicy policy) {
        return policy.perMillion() >= MirrorPolicy.MILLION
                || ThreadLocalRandom.current().nextInt(MirrorPolicy.MILLION) < policy.perMillion();
    }

    /**
     * Starts a copy of {@code request} (its head as the route changed it) to the policy's cluster; null when there is
     * none to send to (no endpoint, or the cluster's request breaker is full), which is counted.
     */
    static ShadowRequest start(MirrorPolicy policy, HttpRequest request, boolean downstreamHttp2, boolean requestComplete,
                               long routeTimeoutMillis, ListenerContext listener, RuntimeConfig config, WorkerUpstreams worker) {
        ClusterConfig cluster = config.cluster(policy.cluster());
        EndpointSet endpoints = cluster == null ? null : config.endpoints(cluster.name());
        ClusterRuntime runtime = cluster == null ? null : config.clusterRuntime(cluster.name());
        EndpointState picked = endpoints == null ? null
                : worker.pick(cluster, endpoints, null, runtime == null ? null : runtime.outlier());
        if (picked == null) {
            count(listener, policy.cluster(), "no_endpoints");
            return null;
        }
        if (runtime != null && !runtime.breakers().tryAcquireRequest()) {
            runtime.overflowRequests.increment();
            count(listener, policy.cluster(), "overflow");
            return null;
        }
        HttpRequest copy = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(), request.headers().copy());
        String host = copy.headers().get(HttpHeaderNames.HOST);
        if (policy.shadowHostSuffix() && host != null) {
            copy.headers().set(HttpHeaderNames.HOST, shadowHost(host));
        }
        ShadowRequest shadow = new ShadowRequest(listener, worker, cluster, runtime, picked, copy);
        Exchange.adaptHead(copy, shadow.protocol, downstreamHttp2, requestComplete);
        shadow.connect(routeTimeoutMillis > 0 ? routeTimeoutMillis : DEFAULT_TIMEOUT_MILLIS);
        return shadow;
    }

    /** Envoy's shadow host: "-shadow" after the host name, before any port ({@code catalog:80} → {@code catalog-shadow:80}). */
    static String shadowHost(String host) {
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            return host.substring(0, colon) + "-shadow" + host.substring(colon);
        }
        return host + "-shadow";
    }

    private void connect(long timeoutMillis) {
        endpoint.onStart();
        timer = worker.loop().schedule(() -> end("timeout"), timeoutMillis, TimeUnit.MILLISECONDS);
        Future<Channel> f = worker.acquire(endpoint, protocol, cluster);
        if (f.isDone()) {
            onAcquired(f);
        } else {
            f.addListener(x -> onAcquired(f));
        }
    }

    private void onAcquired(Future<Channel> f) {
        if (ended) {
            if (f.isSuccess()) {
                f.getNow().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            end("failed");
            return;
        }
        upstream = f.getNow();
        handler = upstream.pipeline().get(UpstreamHandler.class);
        handler.attach(this);
        upstream.write(head);
        HttpContent part;
        while ((part = queued.poll()) != null) {
            upstream.write(part);
        }
        queuedBytes = 0;
        upstream.flush();
    }

    /** A part of the caller's request body; ownership passes here. */
    void send(HttpContent part) {
        if (ended) {
            part.release();
            return;
        }
        if (part instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (upstream == null) {
            queued.add(part);
            queuedBytes += part.content().readableBytes();
            if (queuedBytes > MAX_QUEUED_BYTES) {
                end("dropped");
            }
            return;
        }
        if (upstream.bytesBeforeWritable() > MAX_QUEUED_BYTES) {
            part.release();
            end("dropped");
            return;
        }
        upstream.writeAndFlush(part);
    }

    /** The caller went away: a copy of a request that never ended is cut too. */
    void callerAborted() {
        if (!requestComplete) {
            end("dropped");
        }
    }

    @Override
    public void onResponse(HttpObject msg) {
        if (msg instanceof HttpResponse response && protocol == UpstreamProtocol.HTTP1 && !HttpUtil.isKeepAlive(response)) {
            keepAlive = false;
        }
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last && !ended) {
            end("ok");
        }
    }

    @Override
    public void onResponseReadComplete() {
        // nothing to flush: the response goes nowhere
    }

    @Override
    public void onUpstreamWritable() {
        // the copy never waits for its upstream: it is dropped when too much is left unwritten
    }

    @Override
    public void onUpstreamFailure(Channel ch, Throwable cause) {
        if (ch == upstream) {
            end("failed");
        }
    }

    @Override
    public void onUpgradedBytes(Object msg) {
        ReferenceCountUtil.release(msg);
    }

    /** Ends the copy once, counting how: {@code ok} when its response arrived whole. */
    private void end(String result) {
        if (ended) {
            return;
        }
        ended = true;
        if (timer != null) {
            timer.cancel(false);
        }
        HttpContent part;
        while ((part = queued.poll()) != null) {
            part.release();
        }
        boolean ok = result.equals("ok");
        if (ok) {
            long now = System.nanoTime();
            endpoint.onEnd(now - startNanos, now);
        } else {
            endpoint.onAbort();
        }
        if (upstream != null) {
            handler.detach();
            worker.release(protocol, endpoint.endpoint(), upstream, ok && requestComplete && keepAlive);
        }
        if (runtime != null) {
            runtime.breakers().releaseRequest();
        }
        count(listener, cluster.name(), result);
    }

    private static void count(ListenerContext listener, String cluster, String result) {
        listener.metrics().counter("request_mirrors_total", "direction=\"" + listener.direction() + "\",cluster=\""
                + cluster + "\",result=\"" + result + "\"").increment();
    }
}
