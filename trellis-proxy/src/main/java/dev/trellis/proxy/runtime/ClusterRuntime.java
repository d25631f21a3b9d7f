package dev.trellis.proxy.runtime;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.filter.circuitbreaker.CircuitBreakerState;
import dev.trellis.proxy.filter.retry.RetryBudgetState;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.upstream.health.HealthChecker;
import dev.trellis.proxy.upstream.health.OutlierDetector;
import dev.trellis.proxy.upstream.pool.ConnectionLimiter;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live, shared state of one cluster that outlives requests: circuit-breaker counts, open connections, the retry
 * budget, outlier detection and active health checking, plus the counters of what they decided. Kept across
 * configuration updates while the cluster's policies stay the same; the count of open connections is always kept
 * (those connections are still open), under the new limit.
 */
public final class ClusterRuntime {
    private final ClusterConfig config;
    private final CircuitBreakerState breakers;
    private final ConnectionLimiter connections;
    private final RetryBudgetState budget;
    private final OutlierDetector outlier;
    private final HealthChecker health;
    public final LongAdder retries;
    public final LongAdder budgetExhausted;
    public final LongAdder overflowRequests;
    public final LongAdder overflowPending;
    public final LongAdder overflowRetries;
    public final LongAdder overflowConnections;

    ClusterRuntime(ClusterConfig config, ProxyMetrics metrics, ClusterRuntime previous) {
        this.config = config;
        String labels = "cluster=\"" + config.name() + "\"";
        this.retries = metrics.counter("retries_total", labels);
        this.budgetExhausted = metrics.counter("retry_budget_exhausted_total", labels);
        this.overflowRequests = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"requests\"");
        this.overflowPending = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"pending\"");
        this.overflowRetries = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"retries\"");
        this.overflowConnections = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"connections\"");
        this.breakers = previous != null && previous.config.circuitBreakers().equals(config.circuitBreakers())
                ? previous.breakers : new CircuitBreakerState(config.circuitBreakers());
        int maxConnections = config.circuitBreakers().maxConnections();
        if (previous != null) {
            this.connections = previous.connections;
            connections.setMax(maxConnections);
        } else {
            this.connections = new ConnectionLimiter(maxConnections, overflowConnections);
        }
        this.budget = previous != null && previous.config.retryBudget().equals(config.retryBudget())
                ? previous.budget : new RetryBudgetState(config.retryBudget(), System::currentTimeMillis);
        if (config.outlierDetection() == null) {
            this.outlier = null;
        } else if (previous != null && previous.outlier != null && previous.outlier.config().equals(config.outlierDetection())) {
            this.outlier = previous.outlier;
        } else {
            this.outlier = new OutlierDetector(config.outlierDetection(), System::nanoTime);
        }
        this.health = healthChecker(config, metrics, labels, previous);
        if (outlier != null) {
            OutlierDetector o = outlier;
            metrics.gauge("outlier_ejections_total{" + labels + "}", o::ejectionsTotal);
            metrics.gauge("outlier_ejected_endpoints{" + labels + "}", o::ejectedNow);
            if (config.outlierDetection().successRateMinimumHosts() > 0) {
                metrics.gauge("outlier_success_rate_ejections_total{" + labels + "}", o::successRateEjectionsTotal);
            }
        }
    }

    /** The same checker while the health check stays the same; a new one (with the statuses so far) when it changed. */
    private static HealthChecker healthChecker(ClusterConfig config, ProxyMetrics metrics, String labels, ClusterRuntime previous) {
        if (config.healthCheck() == null) {
            return null;
        }
        HealthChecker before = previous == null ? null : previous.health;
        if (before != null && before.config().equals(config.healthCheck())) {
            return before;
        }
        HealthChecker checker = new HealthChecker(config.name(), config.healthCheck(),
                metrics.counter("health_check_total", labels + ",result=\"success\""),
                metrics.counter("health_check_total", labels + ",result=\"failure\""), before);
        metrics.gauge("health_check_healthy_endpoints{" + labels + "}", checker::healthyCount);
        return checker;
    }

    public ClusterConfig config() {
        return config;
    }

    public CircuitBreakerState breakers() {
        return breakers;
    }

    /** Open upstream connections across every event loop, against max connections. */
    public ConnectionLimiter connections() {
        return connections;
    }

    public RetryBudgetState budget() {
        return budget;
    }

    /** Null when outlier detection is off. */
    public OutlierDetector outlier() {
        return outlier;
    }

    /** Null when the cluster has no active health check. */
    public HealthChecker health() {
        return health;
    }

    /** Each endpoint's active health ("healthy", "unhealthy", "pending": not checked yet); empty without health checks. */
    public Map<String, String> endpointHealth() {
        if (health == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.TreeMap<>();
        health.statuses().forEach((endpoint, status) -> out.put(endpoint, status.name().toLowerCase(java.util.Locale.ROOT)));
        return out;
    }
}
