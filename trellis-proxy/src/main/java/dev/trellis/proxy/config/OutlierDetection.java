package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive health checking (Envoy's outlier_detection): endpoints that keep failing are ejected from balancing for
 * {@code baseEjectionTime} times the number of times they were ejected; at most {@code maxEjectionPercent} of a
 * cluster is ejected at once. When fewer than {@code panicThresholdPercent} of the endpoints are healthy, the
 * cluster balances across all of them (panic routing).
 *
 * @param consecutive5xx             ejects after this many 5xx in a row (0 disables)
 * @param consecutiveGatewayFailure  ejects after this many 502/503/504 or connect failures in a row (0 disables)
 * @param successRateMinimumHosts    success-rate ejection needs at least this many endpoints with enough volume (0 disables)
 * @param successRateRequestVolume   requests an endpoint needs in an interval to count for success rate
 * @param successRateStdevFactor     eject below mean - factor * stdev (Envoy's 1900 is 1.9 here)
 */
public record OutlierDetection(
        int consecutive5xx,
        int consecutiveGatewayFailure,
        Duration interval,
        Duration baseEjectionTime,
        int maxEjectionPercent,
        int successRateMinimumHosts,
        int successRateRequestVolume,
        double successRateStdevFactor,
        int panicThresholdPercent) {

    /** On by default: a dead or failing instance leaves the rotation within a handful of requests. */
    public static final OutlierDetection DEFAULT = new OutlierDetection(5, 5, Duration.ofSeconds(10), Duration.ofSeconds(30),
            50, 0, 100, 1.9, 50);

    public OutlierDetection {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent: " + maxEjectionPercent + " (expected: 0..100)");
        }
        if (panicThresholdPercent < 0 || panicThresholdPercent > 100) {
            throw new IllegalArgumentException("panicThresholdPercent: " + panicThresholdPercent + " (expected: 0..100)");
        }
        if (interval.toMillis() < 10) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 10ms)");
        }
    }
}
