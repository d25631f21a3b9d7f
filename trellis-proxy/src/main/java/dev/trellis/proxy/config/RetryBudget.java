package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries may add at most {@code ratio} of the requests seen in the last {@code window}, plus
 * {@code minRetriesPerSecond}, so that an outage never turns into a retry storm (Linkerd's and Finagle's budget).
 */
public record RetryBudget(double ratio, int minRetriesPerSecond, Duration window) {
    public static final RetryBudget DEFAULT = new RetryBudget(0.2, 10, Duration.ofSeconds(10));

    public RetryBudget {
        Objects.requireNonNull(window, "window");
        if (!(ratio >= 0 && ratio <= 1000)) {
            throw new IllegalArgumentException("ratio: " + ratio + " (expected: 0..1000)");
        }
        if (minRetriesPerSecond < 0) {
            throw new IllegalArgumentException("minRetriesPerSecond: " + minRetriesPerSecond + " (expected: >= 0)");
        }
        if (window.toSeconds() < 1 || window.toSeconds() > 60) {
            throw new IllegalArgumentException("window: " + window + " (expected: 1s..60s)");
        }
    }
}
