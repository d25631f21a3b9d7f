package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.upstream.health.HealthChecker;
import dev.trellis.proxy.upstream.health.OutlierDetector;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.lb.LoadBalancer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event loop's balancer for one cluster. It is rebuilt when the snapshot brings a new endpoint set or policy,
 * when outlier detection ejects or returns an endpoint, or when active health checking takes one out or brings it
 * back; the load observed on endpoints that remain is carried over. Ejected and unhealthy endpoints are left out
 * unless too few remain healthy (panic routing: then all take traffic, as in Envoy).
 */
final class ClusterBalancer {
    /** Envoy's healthy_panic_threshold, for a cluster whose outlier detection (which carries its own) is off. */
    static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

    private final Map<String, EndpointState> states = new HashMap<>();
    private ClusterConfig config;
    private EndpointSet endpoints;
    private OutlierDetector outlier;
    private int outlierVersion = -1;
    private HealthChecker health;
    private int healthVersion = -1;
    private LoadBalancer balancer;

    EndpointState pick(ClusterConfig cluster, EndpointSet set, EndpointState avoid, OutlierDetector outlier, HealthChecker health) {
        if (outlier != null) {
            outlier.unejectDue();
        }
        int ov = outlier == null ? 0 : outlier.version();
        int hv = health == null ? 0 : health.version();
        if (cluster != config || set != endpoints || outlier != this.outlier || ov != outlierVersion
                || health != this.health || hv != healthVersion) {
            rebuild(cluster, set, outlier, ov, health, hv);
        }
        return balancer.pick(avoid);
    }

    private void rebuild(ClusterConfig cluster, EndpointSet set, OutlierDetector outlier, int ov, HealthChecker health, int hv) {
        Map<String, EndpointState> kept = new HashMap<>();
        List<EndpointState> all = new ArrayList<>(set.endpoints().size());
        List<EndpointState> healthy = new ArrayList<>(set.endpoints().size());
        for (Endpoint e : set.endpoints()) {
            EndpointState old = states.get(e.authority());
            EndpointState s = old != null && old.endpoint().equals(e) ? old : new EndpointState(e);
            kept.put(e.authority(), s);
            all.add(s);
            if ((outlier == null || !outlier.isEjected(e.authority())) && (health == null || health.inRotation(e.authority()))) {
                healthy.add(s);
            }
        }
        states.clear();
        states.putAll(kept);
        int threshold = outlier != null ? outlier.config().panicThresholdPercent() : DEFAULT_PANIC_THRESHOLD_PERCENT;
        boolean panic = !all.isEmpty() && healthy.size() * 100 < all.size() * threshold;
        this.config = cluster;
        this.endpoints = set;
        this.outlier = outlier;
        this.outlierVersion = ov;
        this.health = health;
        this.healthVersion = hv;
        this.balancer = LoadBalancer.of(cluster.lbPolicy(), panic || healthy.isEmpty() ? all : healthy);
    }
}
