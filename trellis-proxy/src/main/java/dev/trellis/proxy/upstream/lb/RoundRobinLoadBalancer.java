package dev.trellis.proxy.upstream.lb;

import java.util.List;

/** Smooth weighted round robin (as nginx): an even interleaving that honours weights. */
final class RoundRobinLoadBalancer implements LoadBalancer {
    private final List<EndpointState> endpoints;
    private final int[] current;
    private final int totalWeight;

    RoundRobinLoadBalancer(List<EndpointState> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        this.current = new int[endpoints.size()];
        int total = 0;
        for (EndpointState e : endpoints) {
            total += e.endpoint().weight();
        }
        this.totalWeight = total;
    }

    @Override
    public EndpointState pick(EndpointState avoid, long nowNanos) {
        int n = endpoints.size();
        if (n == 0) {
            return null;
        }
        EndpointState chosen = next();
        if (chosen == avoid && n > 1) {
            chosen = next();
        }
        return chosen;
    }

    private EndpointState next() {
        int best = 0;
        for (int i = 0; i < current.length; i++) {
            current[i] += endpoints.get(i).endpoint().weight();
            if (current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= totalWeight;
        return endpoints.get(best);
    }

    @Override
    public List<EndpointState> endpoints() {
        return endpoints;
    }
}
