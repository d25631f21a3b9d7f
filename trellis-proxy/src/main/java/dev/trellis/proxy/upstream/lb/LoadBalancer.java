package dev.trellis.proxy.upstream.lb;

import dev.trellis.proxy.config.ClusterConfig.LbPolicy;
import java.util.List;

/** Picks an endpoint for a request. Instances are confined to one event loop. */
public interface LoadBalancer {

    /**
     * An endpoint, avoiding {@code avoid} (an endpoint that just failed) when another exists;
     * null when there are no endpoints.
     */
    EndpointState pick(EndpointState avoid);

    List<EndpointState> endpoints();

    static LoadBalancer of(LbPolicy policy, List<EndpointState> endpoints) {
        switch (policy) {
            case ROUND_ROBIN:
                return new RoundRobinLoadBalancer(endpoints);
            case LEAST_REQUEST:
                return new PowerOfTwoChoicesLoadBalancer(endpoints, EndpointState::leastRequestCost);
            default:
                return new PowerOfTwoChoicesLoadBalancer(endpoints, EndpointState::peakEwmaCost);
        }
    }
}
