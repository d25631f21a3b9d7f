package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Optional active HTTP health checking of a cluster's endpoints (Envoy's health_checks with an http_health_check):
 * {@code GET path} every {@code interval}; an answer within {@code timeout} whose status is expected is a success.
 * As in Envoy, a status that is neither expected nor retriable takes the endpoint out at once; other failures
 * (retriable statuses, timeouts, connect failures, resets) take it out after {@code unhealthyThreshold} in a row.
 *
 * @param expectedStatuses  healthy statuses (Envoy's default: 200 only)
 * @param retriableStatuses statuses that count towards {@code unhealthyThreshold} instead of failing at once
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold,
                          List<StatusRange> expectedStatuses, List<StatusRange> retriableStatuses) {

    /** Envoy's default expectation: 200. */
    public static final List<StatusRange> OK_ONLY = List.of(new StatusRange(200, 201));

    /** Statuses {@code start} up to {@code end} exclusive (Envoy's Int64Range). */
    public record StatusRange(int start, int end) {
        public StatusRange {
            if (start < 100 || end > 600 || start >= end) {
                throw new IllegalArgumentException("status range [" + start + ", " + end + ") (expected: within [100, 600), not empty)");
            }
        }

        public boolean contains(int status) {
            return status >= start && status < end;
        }
    }

    /** 200 is healthy; every other answer takes the endpoint out at once. */
    public HealthCheck(String path, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold) {
        this(path, interval, timeout, unhealthyThreshold, healthyThreshold, OK_ONLY, List.of());
    }

    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        expectedStatuses = List.copyOf(expectedStatuses);
        retriableStatuses = List.copyOf(retriableStatuses);
        if (unhealthyThreshold <= 0 || healthyThreshold <= 0) {
            throw new IllegalArgumentException("thresholds: " + unhealthyThreshold + "/" + healthyThreshold + " (expected: > 0)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (expectedStatuses.isEmpty()) {
            throw new IllegalArgumentException("expectedStatuses: [] (expected: at least one range)");
        }
    }

    public boolean expected(int status) {
        return expectedStatuses.stream().anyMatch(r -> r.contains(status));
    }

    public boolean retriable(int status) {
        return retriableStatuses.stream().anyMatch(r -> r.contains(status));
    }
}
