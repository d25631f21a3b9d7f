package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.upstream.health.OutlierDetector;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.lb.LoadBalancer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event loop's balancer for one cluster. It is rebuilt when the snapshot brings a new endpoint set or policy,
 * or when outlier detection ejects or returns an endpoint; the load observed on endpoints that remain is carried
 * over. Ejected endpoints are left out unless too few remain healthy (panic routing: then all take traffic).
 */
final class ClusterBalancer {
    private final Map<String, EndpointState> states = new HashMap<>();
    private ClusterConfig config;
    private EndpointSet endpoints;
    private int outlierVersion = -1;
    private LoadBalancer balancer;

    EndpointState pick(ClusterConfig cluster, EndpointSet set, EndpointState avoid, OutlierDetector outlier) {
        if (outlier != null) {
            outlier.unejectDue();
        }
        int version = outlier == null ? 0 : outlier.version();
        if (cluster != config || set != endpoints || version != outlierVersion) {
            rebuild(cluster, set, outlier, version);
        }
        return balancer.pick(avoid);
    }

    private void rebuild(ClusterConfig cluster, EndpointSet set, OutlierDetector outlier, int version) {
        Map<String, EndpointState> kept = new HashMap<>();
        List<EndpointState> all = new ArrayList<>(set.endpoints().size());
        List<EndpointState> healthy = new ArrayList<>(set.endpoints().size());
        for (Endpoint e : set.endpoints()) {
            EndpointState old = states.get(e.authority());
            EndpointState s = old != null && old.endpoint().equals(e) ? old : new EndpointState(e);
            kept.put(e.authority(), s);
            all.add(s);
            if (outlier == null || !outlier.isEjected(e.authority())) {
                healthy.add(s);
            }
        }
        states.clear();
        states.putAll(kept);
        boolean panic = outlier != null && !all.isEmpty()
                && healthy.size() * 100 < all.size() * outlier.config().panicThresholdPercent();
        this.config = cluster;
        this.endpoints = set;
        this.outlierVersion = version;
        this.balancer = LoadBalancer.of(cluster.lbPolicy(), panic || healthy.isEmpty() ? all : healthy);
    }
}
