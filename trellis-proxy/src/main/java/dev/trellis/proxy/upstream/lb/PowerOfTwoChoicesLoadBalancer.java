package dev.trellis.proxy.upstream.lb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: draw two endpoints at random (in proportion to their weights) and take the cheaper.
 * The cost decides the strategy: outstanding requests (least request) or peak-EWMA latency times
 * outstanding requests (Linkerd's and Finagle's default).
 */
final class PowerOfTwoChoicesLoadBalancer implements LoadBalancer {
    /** What sending one more request to an endpoint costs, now. */
    interface Cost {
        double of(EndpointState endpoint, long nowNanos);
    }

    private final List<EndpointState> endpoints;
    private final Cost cost;
    private final int[] cumulativeWeights;
    private final int totalWeight;

    PowerOfTwoChoicesLoadBalancer(List<EndpointState> endpoints, Cost cost) {
        this.endpoints = List.copyOf(endpoints);
        this.cost = cost;
        this.cumulativeWeights = new int[endpoints.size()];
        int sum = 0;
        for (int i = 0; i < endpoints.size(); i++) {
            sum += endpoints.get(i).endpoint().weight();
            cumulativeWeights[i] = sum;
        }
        this.totalWeight = sum;
    }

    @Override
    public EndpointState pick(EndpointState avoid, long nowNanos) {
        int n = endpoints.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return endpoints.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = draw(random);
        int b = draw(random);
        for (int tries = 0; b == a && tries < 4; tries++) {
            b = draw(random);
        }
        if (b == a) {
            b = (a + 1) % n;
        }
        EndpointState x = endpoints.get(a);
        EndpointState y = endpoints.get(b);
        if (x == avoid) {
            return y;
        }
        if (y == avoid) {
            return x;
        }
        return cost.of(x, nowNanos) <= cost.of(y, nowNanos) ? x : y;
    }

    private int draw(ThreadLocalRandom random) {
        int r = random.nextInt(totalWeight);
        int lo = 0;
        int hi = cumulativeWeights.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (r < cumulativeWeights[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Override
    public List<EndpointState> endpoints() {
        return endpoints;
    }
}
