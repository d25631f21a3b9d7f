package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.runtime.ClusterRuntime;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.tls.ProxyTls;
import dev.trellis.proxy.upstream.health.HealthChecker;
import dev.trellis.proxy.upstream.pool.ConnectionLimiter;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each event loop its own {@link WorkerUpstreams}, and runs what is shared by them all: the clusters' live
 * state of the configuration in force (connection limits, active health) and the active health checkers, started
 * when a cluster with health checks appears and stopped when it goes.
 */
public final class Upstreams {
    private final Connector connector;
    /** Where health checkers run; null when they cannot (no configuration is ever applied here). */
    private final EventLoopGroup loops;
    private final Map<EventLoop, WorkerUpstreams> byLoop = new ConcurrentHashMap<>();
    private volatile RuntimeConfig current;
    private Set<HealthChecker> checking = Set.of();

    /** Without active health checking: for a proxy whose configuration is never {@link #apply applied} here. */
    public Upstreams(Connector connector) {
        this(connector, null);
    }

    /** @param loops the event loops that run the health checkers (the proxy's workers) */
    public Upstreams(Connector connector, EventLoopGroup loops) {
        this.connector = connector;
        this.loops = loops;
        connector.limitConnections(cluster -> {
            ClusterRuntime rt = runtime(cluster);
            return rt == null ? ConnectionLimiter.UNLIMITED : rt.connections();
        });
    }

    /** Call on {@code loop} only. */
    public WorkerUpstreams of(EventLoop loop) {
        WorkerUpstreams w = byLoop.get(loop);
        if (w == null) {
            w = byLoop.computeIfAbsent(loop, l -> new WorkerUpstreams(l, connector, this::runtime));
        }
        return w;
    }

    /** The mutual TLS state new upstream connections use. */
    public ProxyTls tls() {
        return connector.tls();
    }

    /** The live state of a cluster in the configuration last applied, or null. */
    ClusterRuntime runtime(String cluster) {
        RuntimeConfig rc = current;
        return rc == null ? null : rc.clusterRuntime(cluster);
    }

    /**
     * Follows a new configuration: health checkers of clusters that appeared start, those of clusters that went (or
     * whose health check changed) stop, and the others learn the current endpoints.
     */
    public synchronized void apply(RuntimeConfig config) {
        current = config;
        if (loops == null) {
            return;
        }
        Set<HealthChecker> next = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ClusterConfig cluster : config.snapshot().clusters().values()) {
            ClusterRuntime rt = config.clusterRuntime(cluster.name());
            HealthChecker checker = rt == null ? null : rt.health();
            if (checker != null) {
                checker.start(loops.next(), connector);
                checker.update(cluster, config.endpoints(cluster.name()));
                next.add(checker);
            }
        }
        for (HealthChecker old : checking) {
            if (!next.contains(old)) {
                old.stop();
            }
        }
        checking = next;
    }

    public synchronized void closeAll() {
        checking.forEach(HealthChecker::stop);
        checking = Set.of();
        byLoop.values().forEach(w -> w.loop().execute(w::closeAll));
    }
}
