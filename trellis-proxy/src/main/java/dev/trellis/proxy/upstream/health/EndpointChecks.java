package dev.trellis.proxy.upstream.health;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.upstream.health.HealthChecker.Status;
import dev.trellis.proxy.upstream.pool.Connector;
import dev.trellis.proxy.upstream.pool.Http1ConnectionPool;
import dev.trellis.proxy.upstream.pool.Http2ConnectionPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The checks of one endpoint, on the checker's event loop: one probe at a time, the next one an interval after the
 * last ended, on a connection kept for the purpose (HTTP/2 towards meshed endpoints and HTTP/2 clusters, as requests).
 */
final class EndpointChecks {
    private final HealthChecker checker;
    private final EventLoop loop;
    private final Endpoint endpoint;
    private final Http1ConnectionPool http1;
    private final Http2ConnectionPool http2;
    private Status status;
    private int successesInRow;
    private int failuresInRow;
    private HealthProbe probe;
    private ScheduledFuture<?> next;
    private boolean closed;

    EndpointChecks(HealthChecker checker, EventLoop loop, Connector connector, Endpoint endpoint, Status status) {
        this.checker = checker;
        this.loop = loop;
        this.endpoint = endpoint;
        this.status = status;
        this.http1 = new Http1ConnectionPool(loop, endpoint, connector);
        this.http2 = new Http2ConnectionPool(loop, endpoint, connector);
    }

    Endpoint endpoint() {
        return endpoint;
    }

    Status status() {
        return status;
    }

    int successesInRow() {
        return successesInRow;
    }

    int failuresInRow() {
        return failuresInRow;
    }

    void record(boolean success, Status next) {
        if (success) {
            successesInRow++;
            failuresInRow = 0;
        } else {
            failuresInRow++;
            successesInRow = 0;
        }
        status = next;
    }

    void probeNow() {
        if (closed || probe != null) {
            return;
        }
        next = null;
        ClusterConfig cluster = checker.clusterConfig();
        boolean h2 = endpoint.meshed() || cluster.protocol() == ClusterConfig.UpstreamProtocol.HTTP2;
        Future<Channel> stream = h2 ? http2.openStream(cluster) : http1.acquire(cluster);
        probe = new HealthProbe(this, checker.config().path(), checker.clusterName(), h2);
        probe.start(loop, stream, checker.config().timeout().toMillis());
    }

    /** The probe ended: with the answer's status, or 0 for none. */
    void onProbeDone(HealthProbe p, int status) {
        if (p != probe) {
            return;
        }
        probe = null;
        if (closed || checker.stopped()) {
            return;
        }
        checker.onResult(this, status);
        next = loop.schedule(this::probeNow, checker.config().interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A connection whose probe ended cleanly goes back for the next probe. */
    void reuse(Channel ch) {
        http1.release(ch);
    }

    void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        if (probe != null) {
            HealthProbe p = probe;
            probe = null;
            p.cancel();
        }
        http1.closeIdle();
        http2.closeAll();
    }
}
