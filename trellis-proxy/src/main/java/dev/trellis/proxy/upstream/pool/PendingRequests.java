package dev.trellis.proxy.upstream.pool;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.upstream.ProxyError;
import dev.trellis.proxy.upstream.ProxyException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The requests of one pool waiting, in arrival order, for a connection while the cluster is at its connection limit.
 * Confined to the pool's event loop. A request waits at most {@link #MAX_WAIT_MILLIS} (Envoy's default route
 * timeout), then fails with {@link ProxyError#OVERFLOW}.
 */
final class PendingRequests {
    static final long MAX_WAIT_MILLIS = 15_000;

    private final EventLoop loop;
    private final ConnectionLimiter limiter;
    private final ConnectionLimiter.Member pool;
    private final Endpoint endpoint;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private boolean registered;

    PendingRequests(EventLoop loop, ConnectionLimiter limiter, ConnectionLimiter.Member pool, Endpoint endpoint) {
        this.loop = loop;
        this.limiter = limiter;
        this.pool = pool;
        this.endpoint = endpoint;
    }

    /** One waiting request. */
    static final class Waiter {
        private final Promise<Channel> promise;
        private final ClusterConfig cluster;
        private final boolean dedicated;
        private ScheduledFuture<?> timer;

        private Waiter(Promise<Channel> promise, ClusterConfig cluster, boolean dedicated) {
            this.promise = promise;
            this.cluster = cluster;
            this.dedicated = dedicated;
        }

        ClusterConfig cluster() {
            return cluster;
        }

        boolean dedicated() {
            return dedicated;
        }

        void succeed(Channel ch) {
            timer.cancel(false);
            if (!promise.trySuccess(ch)) {
                ch.close();
            }
        }

        /** The request gets what {@code f} brings. */
        void follow(Future<Channel> f) {
            timer.cancel(false);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    promise.tryFailure(done.cause());
                } else if (!promise.trySuccess(f.getNow())) {
                    f.getNow().close();
                }
            });
        }
    }

    Future<Channel> add(ClusterConfig cluster, boolean dedicated) {
        Waiter w = new Waiter(loop.newPromise(), cluster, dedicated);
        w.timer = loop.schedule(() -> expire(w), MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        queue.add(w);
        register();
        return w.promise;
    }

    private void expire(Waiter w) {
        if (queue.remove(w)) {
            w.promise.tryFailure(new ProxyException(ProxyError.OVERFLOW, "no connection to " + endpoint.authority() + " of "
                    + w.cluster.name() + " within " + MAX_WAIT_MILLIS + "ms: " + limiter.open() + " of "
                    + limiter.max() + " connections open", null));
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    Waiter peek() {
        return queue.peek();
    }

    Waiter poll() {
        return queue.poll();
    }

    /** Waits for a slot of the limiter, once however many requests wait. */
    void register() {
        if (!registered && !queue.isEmpty()) {
            registered = true;
            limiter.await(pool);
        }
    }

    /** The limiter woke the pool: it no longer counts as waiting there. */
    void woken() {
        registered = false;
    }

    /** Fails every waiting request (the pool is closing). */
    void failAll(String why) {
        Waiter w;
        while ((w = queue.poll()) != null) {
            w.timer.cancel(false);
            w.promise.tryFailure(new ProxyException(ProxyError.OVERFLOW, why, null));
        }
    }
}
