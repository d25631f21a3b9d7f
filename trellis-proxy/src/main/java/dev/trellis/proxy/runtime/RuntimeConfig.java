package dev.trellis.proxy.runtime;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.route.Router;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link ProxySnapshot} compiled for the hot path: one {@link Router} per HTTP listener. Immutable. */
public final class RuntimeConfig {
    private final ProxySnapshot snapshot;
    private final Map<String, Router> routersByListener;
    private final Map<String, ClusterRuntime> clusterRuntimes;

    private RuntimeConfig(ProxySnapshot snapshot, Map<String, Router> routersByListener,
                          Map<String, ClusterRuntime> clusterRuntimes) {
        this.snapshot = snapshot;
        this.routersByListener = routersByListener;
        this.clusterRuntimes = clusterRuntimes;
    }

    static RuntimeConfig compile(ProxySnapshot snapshot, ProxyMetrics metrics, ClusterRuntimes runtimes) {
        Map<String, Router> routers = new HashMap<>();
        for (ListenerConfig l : snapshot.listeners().values()) {
            if (l.protocol() == ListenerConfig.ListenerProtocol.HTTP) {
                RouteTable table = snapshot.routeTables().get(l.routeTable());
                if (table != null) {
                    routers.put(l.name(), Router.compile(table, l.direction().name().toLowerCase(Locale.ROOT), metrics));
                }
            }
        }
        return new RuntimeConfig(snapshot, Map.copyOf(routers), runtimes.update(snapshot.clusters()));
    }

    public ProxySnapshot snapshot() {
        return snapshot;
    }

    /** The router of an HTTP listener, or null when the listener has no route table (yet). */
    public Router router(String listener) {
        return routersByListener.get(listener);
    }

    public ListenerConfig listener(String name) {
        return snapshot.listeners().get(name);
    }

    public ClusterConfig cluster(String name) {
        return snapshot.clusters().get(name);
    }

    /** The shared live state of a cluster (breakers, budget, outlier detection). */
    public ClusterRuntime clusterRuntime(String cluster) {
        return clusterRuntimes.get(cluster);
    }

    public EndpointSet endpoints(String cluster) {
        return snapshot.endpointsOf(cluster);
    }
}
