package dev.trellis.proxy.http;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.upstream.ResponseSink;
import dev.trellis.proxy.upstream.StreamResetException;
import dev.trellis.proxy.upstream.UpstreamHandler;
import dev.trellis.proxy.upstream.UpstreamProtocol;
import dev.trellis.proxy.upstream.WorkerUpstreams;
import dev.trellis.proxy.upstream.lb.EndpointState;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One try of an {@link Exchange} against one endpoint: acquires an upstream stream, hands what it receives to
 * the exchange, and ends in exactly one of {@link #complete} (the response went through) or {@link #abandon}.
 */
final class Attempt implements ResponseSink {
    enum Failure { CONNECT, REFUSED, RESET, PER_TRY_TIMEOUT }

    private final Exchange exchange;
    private final EndpointState endpoint;
    private final UpstreamProtocol protocol;
    private final WorkerUpstreams worker;
    private final long startNanos = System.nanoTime();
    private Channel upstream;
    private UpstreamHandler handler;
    private ScheduledFuture<?> perTryTimer;
    private boolean pendingSlot = true;
    private boolean ended;

    Attempt(Exchange exchange, EndpointState endpoint, UpstreamProtocol protocol, WorkerUpstreams worker) {
        this.exchange = exchange;
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.worker = worker;
    }

    EndpointState endpoint() {
        return endpoint;
    }

    UpstreamProtocol protocol() {
        return protocol;
    }

    /** The upstream stream, or null while connecting. */
    Channel upstream() {
        return upstream;
    }

    boolean ended() {
        return ended;
    }

    void start(ClusterConfig cluster, long perTryMillis) {
        endpoint.onStart();
        Future<Channel> f = worker.acquire(endpoint, protocol, cluster);
        if (f.isDone()) {
            onAcquired(f, perTryMillis);
        } else {
            f.addListener(x -> onAcquired(f, perTryMillis));
        }
    }

    private void onAcquired(Future<Channel> f, long perTryMillis) {
        releasePendingSlot();
        if (ended) {
            if (f.isSuccess()) {
                f.getNow().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            ended = true;
            endpoint.onAbort();
            exchange.attemptFailed(this, Failure.CONNECT, f.cause());
            return;
        }
        upstream = f.getNow();
        handler = upstream.pipeline().get(UpstreamHandler.class);
        handler.attach(this);
        if (perTryMillis > 0) {
            perTryTimer = upstream.eventLoop().schedule(this::onPerTryTimeout, perTryMillis, TimeUnit.MILLISECONDS);
        }
        exchange.sendRequestOn(this);
    }

    private void releasePendingSlot() {
        if (pendingSlot) {
            pendingSlot = false;
            exchange.releasePendingSlot();
        }
    }

    private void onPerTryTimeout() {
        perTryTimer = null;
        if (!ended) {
            exchange.attemptFailed(this, Failure.PER_TRY_TIMEOUT, null);
        }
    }

    @Override
    public void onResponse(HttpObject msg) {
        if (ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        exchange.onAttemptResponse(this, msg);
    }

    @Override
    public void onResponseReadComplete() {
        if (!ended) {
            exchange.flushDownstream();
        }
    }

    @Override
    public void onUpstreamWritable() {
        if (!ended) {
            exchange.onUpstreamWritable();
        }
    }

    @Override
    public void onUpstreamFailure(Channel ch, Throwable cause) {
        if (ended || ch != upstream) {
            return;
        }
        boolean refused = cause instanceof StreamResetException && ((StreamResetException) cause).refused();
        exchange.attemptFailed(this, refused ? Failure.REFUSED : Failure.RESET, cause);
    }

    @Override
    public void onUpgradedBytes(Object msg) {
        exchange.onUpgradedBytes(msg);
    }

    /** Ends the attempt without a usable response: its stream is closed (an HTTP/2 stream is reset). */
    void abandon() {
        if (ended) {
            return;
        }
        ended = true;
        cancelPerTry();
        endpoint.onAbort();
        if (upstream != null) {
            handler.detach();
            upstream.close();
        }
    }

    /** The response went through; an HTTP/1.1 connection returns to its pool when {@code reusable}. */
    void complete(boolean reusable) {
        if (ended) {
            return;
        }
        ended = true;
        cancelPerTry();
        long now = System.nanoTime();
        endpoint.onEnd(now - startNanos, now);
        if (upstream == null) {
            return;
        }
        handler.detach();
        worker.release(protocol, endpoint.endpoint(), upstream, reusable);
    }

    /** Hands the upstream over to a byte relay (after 101 Switching Protocols). */
    Channel detachForRelay() {
        ended = true;
        cancelPerTry();
        long now = System.nanoTime();
        endpoint.onEnd(now - startNanos, now);
        handler.detach();
        return upstream;
    }

    void cancelPerTry() {
        if (perTryTimer != null) {
            perTryTimer.cancel(false);
            perTryTimer = null;
        }
    }
}
