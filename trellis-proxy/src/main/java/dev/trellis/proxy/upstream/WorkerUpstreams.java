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
    private final Map<String, Http1ConnectionPool> http1 = new HashMap<>();
    private final Map<String, Http2ConnectionPool> http2 = new HashMap<>();

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
    public Future<Channel> acquire(Endpoint endpoint, UpstreamProtocol protocol, ClusterConfig cluster) {
        ConnectionLimiter limiter = limiter(cluster);
        String key = cluster.name() + '|' + endpoint.authority();
        switch (protocol) {
            case HTTP2: {
                Http2ConnectionPool pool = http2.get(key);
                if (pool == null || pool.limiter() != limiter) {
                    pool = new Http2ConnectionPool(loop, endpoint, connector, limiter);
                    http2.put(key, pool);
                }
                return pool.openStream(cluster);
            }
            case HTTP1_UPGRADE:
                return http1Pool(key, endpoint, limiter).connectDedicated(cluster);
            default:
                return http1Pool(key, endpoint, limiter).acquire(cluster);
        }
    }

    private ConnectionLimiter limiter(ClusterConfig cluster) {
        ClusterRuntime rt = runtimes.apply(cluster.name());
        return rt == null ? ConnectionLimiter.UNLIMITED : rt.connections();
    }

    /** Returns an HTTP/1.1 connection after a clean keep-alive exchange. */
    public void releaseHttp1(Endpoint endpoint, Channel ch) {
        Http1ConnectionPool pool = Http1ConnectionPool.of(ch);
        if (pool == null) {
            ch.close();
        } else {
            pool.release(ch);
        }
    }

    private Http1ConnectionPool http1Pool(String key, Endpoint endpoint, ConnectionLimiter limiter) {
        Http1ConnectionPool pool = http1.get(key);
        if (pool == null || pool.limiter() != limiter) {
            // a cluster that went and came back: the old pool's connections idle out under the old limit
            pool = new Http1ConnectionPool(loop, endpoint, connector, limiter);
            http1.put(key, pool);
        }
        return pool;
    }

    /** Closes every pooled connection (shutdown). */
    public void closeAll() {
        http1.values().forEach(Http1ConnectionPool::closeIdle);
        http2.values().forEach(Http2ConnectionPool::closeAll);
    }
}
