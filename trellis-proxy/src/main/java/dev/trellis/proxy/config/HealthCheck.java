package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/** Optional active HTTP health checking of a cluster's endpoints (Envoy's health_checks with an http_health_check). */
public record HealthCheck(String path, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold) {
    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (unhealthyThreshold <= 0 || healthyThreshold <= 0) {
            throw new IllegalArgumentException("thresholds: " + unhealthyThreshold + "/" + healthyThreshold + " (expected: > 0)");
        }
    }
}
