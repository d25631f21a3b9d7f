package dev.trellis.config.resource;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How callers treat the instances of one Service (Istio's DestinationRule trafficPolicy), with every default
 * filled in: the spec of a {@link DestinationPolicy}, or {@link #DEFAULT} for a Service without one. The
 * defaults are Envoy's, except where the mesh knows better (peak EWMA, outlier detection on, a retry budget).
 *
 * @param outlierDetection null when disabled
 * @param healthCheck      null for none (the default)
 */
public record TrafficPolicy(
        LoadBalancer loadBalancer,
        Duration connectTimeout,
        Duration idleTimeout,
        CircuitBreakers circuitBreakers,
        OutlierDetection outlierDetection,
        RetryBudget retryBudget,
        HealthCheck healthCheck) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public static final TrafficPolicy DEFAULT = new TrafficPolicy(LoadBalancer.PEAK_EWMA, DEFAULT_CONNECT_TIMEOUT,
            DEFAULT_IDLE_TIMEOUT, CircuitBreakers.DEFAULT, OutlierDetection.DEFAULT, RetryBudget.DEFAULT, null);

    public TrafficPolicy {
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(circuitBreakers, "circuitBreakers");
        Objects.requireNonNull(retryBudget, "retryBudget");
    }

    public enum LoadBalancer { PEAK_EWMA, LEAST_REQUEST, ROUND_ROBIN }

    /** Envoy's circuit breaker thresholds, with Envoy's defaults. */
    public record CircuitBreakers(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
        public static final CircuitBreakers DEFAULT = new CircuitBreakers(1024, 1024, 1024, 1024);
    }

    /**
     * Passive health checking.
     *
     * @param consecutive5xx           0 disables
     * @param consecutiveGatewayErrors 502, 503, 504 and connect failures; 0 disables
     * @param successRate              null when success-rate ejection is off (the default)
     */
    public record OutlierDetection(
            int consecutive5xx,
            int consecutiveGatewayErrors,
            Duration interval,
            Duration baseEjectionTime,
            int maxEjectionPercent,
            int panicThresholdPercent,
            SuccessRate successRate) {
        public static final OutlierDetection DEFAULT = new OutlierDetection(5, 5, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 50, 50, null);

        public OutlierDetection {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        }
    }

    /** Eject endpoints whose success rate is below mean - stdevFactor * stdev (Envoy's defaults). */
    public record SuccessRate(int minimumHosts, int requestVolume, double stdevFactor) {
        public static final SuccessRate DEFAULT = new SuccessRate(5, 100, 1.9);
    }

    /** Retries may add {@code ratio} of the requests of the last {@code window}, plus {@code minRetriesPerSecond}. */
    public record RetryBudget(double ratio, int minRetriesPerSecond, Duration window) {
        public static final RetryBudget DEFAULT = new RetryBudget(0.2, 10, Duration.ofSeconds(10));

        public RetryBudget {
            Objects.requireNonNull(window, "window");
        }
    }

    /**
     * Active HTTP health checking: an answer to {@code GET path} with one of {@code expectedStatuses} is healthy;
     * {@code unhealthyThreshold} failures of any kind in a row take an endpoint out.
     */
    public record HealthCheck(String path, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold,
                              List<Integer> expectedStatuses) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
        public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
        public static final int DEFAULT_HEALTHY_THRESHOLD = 1;
        /** Envoy's default: 200 only. */
        public static final List<Integer> DEFAULT_EXPECTED_STATUSES = List.of(200);

        /** 200 is healthy. */
        public HealthCheck(String path, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold) {
            this(path, interval, timeout, unhealthyThreshold, healthyThreshold, DEFAULT_EXPECTED_STATUSES);
        }

        public HealthCheck {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
            expectedStatuses = List.copyOf(new java.util.TreeSet<>(expectedStatuses));
        }
    }
}
