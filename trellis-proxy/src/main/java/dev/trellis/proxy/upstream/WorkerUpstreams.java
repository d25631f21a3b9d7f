package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.runtime.ClusterRuntime;
import dev.trellis.proxy.upstream.health.OutlierDetector;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.pool.ConnectionLimiter;
import dev.trellis.proxy.upstream.pool.Connector;
import dev.trellis.proxy.upstream.pool.Http1ConnectionPool;
import dev.trellis.proxy.upstream.pool.Http2ConnectionPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything upstream that one event loop owns: balancers per cluster and connection pools per cluster and
 * endpoint (each cluster's connections count against its own limit). Only that loop touches it, so nothing here is
 * synchronised; the clusters' shared state (connection limits, active health) is looked up by name.
 */
public final class WorkerUpstreams {
    private final EventLoop loop;
    private final Connector connector;
    private final Function<String, ClusterRuntime> runtimes;
    private final Map<String, ClusterBalancer> balancers = new HashMap<>();
    /** Pools by cluster name, then endpoint authority: looked up per request without building a key. */
    private final Map<String, Map<String, Http1ConnectionPool>> http1 = new HashMap<>();
    private final Map<String, Map<String, Http2ConnectionPool>> http2 = new HashMap<>();

    WorkerUpstreams(EventLoop loop, Connector connector, Function<String, ClusterRuntime> runtimes) {
        this.loop = loop;
        this.connector = connector;
        this.runtimes = runtimes;
    }

    public EventLoop loop() {
        return loop;
    }

    /** An endpoint of the cluster, avoiding {@code avoid} when possible; null when it has none. */
    public EndpointState pick(ClusterConfig cluster, EndpointSet endpoints, EndpointState avoid) {
        return pick(cluster, endpoints, avoid, null);
    }

    /** Leaves out endpoints that outlier detection ejected or active health checks failed, unless too few remain. */
    public EndpointState pick(ClusterConfig cluster, EndpointSet endpoints, EndpointState avoid, OutlierDetector outlier) {
        ClusterRuntime rt = runtimes.apply(cluster.name());
        return balancers.computeIfAbsent(cluster.name(), n -> new ClusterBalancer())
                .pick(cluster, endpoints, avoid, outlier, rt == null ? null : rt.health());
    }

    /**
     * A connection (HTTP/1) or stream (HTTP/2) to the endpoint; when the cluster is at its connection limit the
     * future completes once one is free (the request is pending meanwhile).
     */
    public Future<Channel> acquire(EndpointState picked, UpstreamProtocol protocol, ClusterConfig cluster) {
        Endpoint endpoint = picked.endpoint();
        String authority = picked.authority();
        ConnectionLimiter limiter = limiter(cluster);
        switch (protocol) {
            case HTTP2: {
                Map<String, Http2ConnectionPool> pools = http2.computeIfAbsent(cluster.name(), n -> new HashMap<>());
                Http2ConnectionPool pool = pools.get(authority);
                if (pool == null || pool.limiter() != limiter) {
                    pool = new Http2ConnectionPool(loop, endpoint, connector, limiter);
                    pools.put(authority, pool);
                }
                return pool.openStream(cluster);
            }
            case HTTP1_UPGRADE:
                return http1Pool(cluster.name(), authority, endpoint, limiter).connectDedicated(cluster);
            default:
                return http1Pool(cluster.name(), authority, endpoint, limiter).acquire(cluster);
        }
    }

    private ConnectionLimiter limiter(ClusterConfig cluster) {
        ClusterRuntime rt = runtimes.apply(cluster.name());
        return rt == null ? ConnectionLimiter.UNLIMITED : rt.connections();
    }

    /**
     * Gives back the upstream of a finished request: when {@code reusable}, an HTTP/1.1 connection returns to its pool
     * and an HTTP/2 stream is left to close itself once both directions have ended; anything else is closed.
     */
    public void release(UpstreamProtocol protocol, Endpoint endpoint, Channel ch, boolean reusable) {
        if (protocol == UpstreamProtocol.HTTP1 && reusable) {
            releaseHttp1(endpoint, ch);
        } else if (protocol == UpstreamProtocol.HTTP2 && reusable) {
            ch.config().setAutoRead(true);
        } else {
            ch.close();
        }
    }

    /** Returns an HTTP/1.1 connection after a clean keep-alive exchange. */
    private void releaseHttp1(Endpoint endpoint, Channel ch) {
        Http1ConnectionPool pool = Http1ConnectionPool.of(ch);
        if (pool == null) {
            ch.close();
        } else {
            pool.release(ch);
        }
    }

    private Http1ConnectionPool http1Pool(String clusterName, String authority, Endpoint endpoint, ConnectionLimiter limiter) {
        Map<String, Http1ConnectionPool> pools = http1.computeIfAbsent(clusterName, n -> new HashMap<>());
        Http1ConnectionPool pool = pools.get(authority);
        if (pool == null || pool.limiter() != limiter) {
            // a cluster that went and came back: the old pool's connections idle out under the old limit
            pool = new Http1ConnectionPool(loop, endpoint, connector, limiter);
            pools.put(authority, pool);
        }
        return pool;
    }

    /** Closes every pooled connection (shutdown). */
    public void closeAll() {
        http1.values().forEach(pools -> pools.values().forEach(Http1ConnectionPool::closeIdle));
        http2.values().forEach(pools -> pools.values().forEach(Http2ConnectionPool::closeAll));
    }
}
