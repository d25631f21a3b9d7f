package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.upstream.health.OutlierDetector;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.pool.Connector;
import dev.trellis.proxy.upstream.pool.Http1ConnectionPool;
import dev.trellis.proxy.upstream.pool.Http2ConnectionPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything upstream that one event loop owns: balancers per cluster and connection pools per endpoint.
 * Only that loop touches it, so nothing here is synchronised.
 */
public final class WorkerUpstreams {
    private final EventLoop loop;
    private final Connector connector;
    private final Map<String, ClusterBalancer> balancers = new HashMap<>();
    private final Map<String, Http1ConnectionPool> http1 = new HashMap<>();
    private final Map<String, Http2ConnectionPool> http2 = new HashMap<>();

    WorkerUpstreams(EventLoop loop, Connector connector) {
        this.loop = loop;
        this.connector = connector;
    }

    public EventLoop loop() {
        return loop;
    }

    /** An endpoint of the cluster, avoiding {@code avoid} when possible; null when it has none. */
    public EndpointState pick(ClusterConfig cluster, EndpointSet endpoints, EndpointState avoid) {
        return pick(cluster, endpoints, avoid, null);
    }

    public EndpointState pick(ClusterConfig cluster, EndpointSet endpoints, EndpointState avoid, OutlierDetector outlier) {
        return balancers.computeIfAbsent(cluster.name(), n -> new ClusterBalancer()).pick(cluster, endpoints, avoid, outlier);
    }

    public Future<Channel> acquire(Endpoint endpoint, UpstreamProtocol protocol, ClusterConfig cluster) {
        switch (protocol) {
            case HTTP2:
                return http2.computeIfAbsent(endpoint.authority(), a -> new Http2ConnectionPool(loop, endpoint, connector))
                        .openStream(cluster);
            case HTTP1_UPGRADE:
                return http1Pool(endpoint).connectDedicated(cluster);
            default:
                return http1Pool(endpoint).acquire(cluster);
        }
    }

    /** Returns an HTTP/1.1 connection after a clean keep-alive exchange. */
    public void releaseHttp1(Endpoint endpoint, Channel ch) {
        Http1ConnectionPool pool = http1.get(endpoint.authority());
        if (pool == null) {
            ch.close();
        } else {
            pool.release(ch);
        }
    }

    private Http1ConnectionPool http1Pool(Endpoint endpoint) {
        return http1.computeIfAbsent(endpoint.authority(), a -> new Http1ConnectionPool(loop, endpoint, connector));
    }

    /** Closes every pooled connection (shutdown). */
    public void closeAll() {
        http1.values().forEach(Http1ConnectionPool::closeIdle);
        http2.values().forEach(Http2ConnectionPool::closeAll);
    }
}
