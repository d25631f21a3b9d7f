package dev.trellis.proxy.upstream;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.lb.LoadBalancer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event loop's balancer for one cluster. When the snapshot brings a new endpoint set or policy, the
 * balancer is rebuilt and the load observed on endpoints that remain is carried over.
 */
final class ClusterBalancer {
    private ClusterConfig config;
    private EndpointSet endpoints;
    private LoadBalancer balancer;

    EndpointState pick(ClusterConfig cluster, EndpointSet set, EndpointState avoid) {
        if (cluster != config || set != endpoints) {
            rebuild(cluster, set);
        }
        return balancer.pick(avoid);
    }

    private void rebuild(ClusterConfig cluster, EndpointSet set) {
        Map<String, EndpointState> previous = new HashMap<>();
        if (balancer != null) {
            for (EndpointState s : balancer.endpoints()) {
                previous.put(s.endpoint().authority(), s);
            }
        }
        List<EndpointState> states = new ArrayList<>(set.endpoints().size());
        for (Endpoint e : set.endpoints()) {
            EndpointState old = previous.get(e.authority());
            states.add(old != null && old.endpoint().equals(e) ? old : new EndpointState(e));
        }
        this.config = cluster;
        this.endpoints = set;
        this.balancer = LoadBalancer.of(cluster.lbPolicy(), states);
    }
}
