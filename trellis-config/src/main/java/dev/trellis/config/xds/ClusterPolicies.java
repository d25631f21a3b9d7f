package dev.trellis.config.xds;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import dev.trellis.config.resource.TrafficPolicy;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.type.v3.Int64Range;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.List;
import java.util.Map;

/**
 * A {@link TrafficPolicy} in Envoy's cluster fields: lb_policy, connect_timeout, circuit_breakers,
 * outlier_detection (with the enforcing_* percentages that switch each detector on or off),
 * common_lb_config.healthy_panic_threshold and health_checks. Every value is written out, so the defaults the
 * proxy runs with do not depend on Envoy's (which differ: Envoy ejects at most 10 %, and not on gateway errors).
 */
final class ClusterPolicies {
    private static final int ON = 100;
    private static final int OFF = 0;

    private ClusterPolicies() {}

    /** @param metadata the cluster's "trellis" metadata, to which the retry budget (and the balancer) is added */
    static void apply(Cluster.Builder c, TrafficPolicy p, Map<String, Value> metadata) {
        switch (p.loadBalancer()) {
            case PEAK_EWMA -> {
                // no Envoy enum: least request is the closest, what a real Envoy would run
                c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
                metadata.put(XdsNames.KEY_LB, Protos.string(XdsNames.LB_PEAK_EWMA));
            }
            case LEAST_REQUEST -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
            case ROUND_ROBIN -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
        }
        c.setConnectTimeout(Protos.duration(p.connectTimeout()));
        c.setCircuitBreakers(circuitBreakers(p.circuitBreakers()));
        if (p.outlierDetection() != null) {
            c.setOutlierDetection(outlierDetection(p.outlierDetection()));
            c.setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
                    .setHealthyPanicThreshold(Percent.newBuilder().setValue(p.outlierDetection().panicThresholdPercent())));
        }
        if (p.healthCheck() != null) {
            c.addHealthChecks(healthCheck(p.healthCheck()));
        }
        metadata.put(XdsNames.KEY_RETRY_BUDGET, Protos.object(Map.of(
                XdsNames.KEY_RATIO, Protos.number(p.retryBudget().ratio()),
                XdsNames.KEY_MIN_RETRIES_PER_SECOND, Protos.number(p.retryBudget().minRetriesPerSecond()),
                XdsNames.KEY_WINDOW, Protos.string(Durations.toString(Protos.duration(p.retryBudget().window()))))));
    }

    static CircuitBreakers circuitBreakers(TrafficPolicy.CircuitBreakers b) {
        return CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setPriority(RoutingPriority.DEFAULT)
                        .setMaxConnections(UInt32Value.of(b.maxConnections()))
                        .setMaxPendingRequests(UInt32Value.of(b.maxPendingRequests()))
                        .setMaxRequests(UInt32Value.of(b.maxRequests()))
                        .setMaxRetries(UInt32Value.of(b.maxRetries())))
                .build();
    }

    static OutlierDetection outlierDetection(TrafficPolicy.OutlierDetection o) {
        OutlierDetection.Builder b = OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(o.consecutive5xx()))
                .setEnforcingConsecutive5Xx(UInt32Value.of(o.consecutive5xx() > 0 ? ON : OFF))
                .setConsecutiveGatewayFailure(UInt32Value.of(o.consecutiveGatewayErrors()))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(o.consecutiveGatewayErrors() > 0 ? ON : OFF))
                .setInterval(Protos.duration(o.interval()))
                .setBaseEjectionTime(Protos.duration(o.baseEjectionTime()))
                .setMaxEjectionPercent(UInt32Value.of(o.maxEjectionPercent()));
        TrafficPolicy.SuccessRate s = o.successRate();
        if (s == null) {
            b.setEnforcingSuccessRate(UInt32Value.of(OFF));
        } else {
            b.setEnforcingSuccessRate(UInt32Value.of(ON))
                    .setSuccessRateMinimumHosts(UInt32Value.of(s.minimumHosts()))
                    .setSuccessRateRequestVolume(UInt32Value.of(s.requestVolume()))
                    // Envoy's factor is in thousandths: 1900 is 1.9
                    .setSuccessRateStdevFactor(UInt32Value.of((int) Math.round(s.stdevFactor() * 1000)));
        }
        return b.build();
    }

    /**
     * Envoy's HTTP health check. Every status but the expected ones is also listed as retriable: Envoy then counts it
     * towards unhealthy_threshold like a timeout, where it would otherwise take the endpoint out at the first one.
     */
    static HealthCheck healthCheck(TrafficPolicy.HealthCheck h) {
        HealthCheck.HttpHealthCheck.Builder http = HealthCheck.HttpHealthCheck.newBuilder().setPath(h.path())
                .addRetriableStatuses(Int64Range.newBuilder().setStart(100).setEnd(600));
        List<Integer> statuses = h.expectedStatuses();
        for (int i = 0; i < statuses.size(); ) {
            int start = statuses.get(i);
            int end = start + 1;
            for (i++; i < statuses.size() && statuses.get(i) == end; i++) {
                end++;
            }
            http.addExpectedStatuses(Int64Range.newBuilder().setStart(start).setEnd(end));
        }
        return HealthCheck.newBuilder()
                .setTimeout(Protos.duration(h.timeout()))
                .setInterval(Protos.duration(h.interval()))
                .setUnhealthyThreshold(UInt32Value.of(h.unhealthyThreshold()))
                .setHealthyThreshold(UInt32Value.of(h.healthyThreshold()))
                .setHttpHealthCheck(http)
                .build();
    }
}
