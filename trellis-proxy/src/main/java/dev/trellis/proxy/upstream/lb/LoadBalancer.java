package dev.trellis.proxy.upstream.lb;

import dev.trellis.proxy.config.ClusterConfig.LbPolicy;
import java.util.List;

/** Picks an endpoint for a request. Instances are confined to one event loop. */
public interface LoadBalancer {

    /**
     * An endpoint, avoiding {@code avoid} (an endpoint that just failed) when another exists;
     * null when there are no endpoints.
     */
    default EndpointState pick(EndpointState avoid) {
        return pick(avoid, System.nanoTime());
    }

    /** As {@link #pick(EndpointState)}, at {@code nowNanos} ({@link System#nanoTime()}'s clock). */
    EndpointState pick(EndpointState avoid, long nowNanos);

    List<EndpointState> endpoints();

    static LoadBalancer of(LbPolicy policy, List<EndpointState> endpoints) {
        switch (policy) {
            case ROUND_ROBIN:
                return new RoundRobinLoadBalancer(endpoints);
            case LEAST_REQUEST:
                return new PowerOfTwoChoicesLoadBalancer(endpoints, (e, now) -> e.leastRequestCost());
            default:
                return new PowerOfTwoChoicesLoadBalancer(endpoints, EndpointState::peakEwmaCost);
        }
    }
}
