package dev.trellis.proxy.runtime;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.filter.circuitbreaker.CircuitBreakerState;
import dev.trellis.proxy.filter.retry.RetryBudgetState;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.upstream.health.OutlierDetector;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live, shared state of one cluster that outlives requests: circuit-breaker counts, the retry budget and
 * outlier detection, plus the counters of what they decided. Kept across configuration updates while the
 * cluster's policies stay the same.
 */
public final class ClusterRuntime {
    private final ClusterConfig config;
    private final CircuitBreakerState breakers;
    private final RetryBudgetState budget;
    private final OutlierDetector outlier;
    public final LongAdder retries;
    public final LongAdder budgetExhausted;
    public final LongAdder overflowRequests;
    public final LongAdder overflowPending;
    public final LongAdder overflowRetries;

    ClusterRuntime(ClusterConfig config, ProxyMetrics metrics, ClusterRuntime previous) {
        this.config = config;
        this.breakers = previous != null && previous.config.circuitBreakers().equals(config.circuitBreakers())
                ? previous.breakers : new CircuitBreakerState(config.circuitBreakers());
        this.budget = previous != null && previous.config.retryBudget().equals(config.retryBudget())
                ? previous.budget : new RetryBudgetState(config.retryBudget(), System::currentTimeMillis);
        if (config.outlierDetection() == null) {
            this.outlier = null;
        } else if (previous != null && previous.outlier != null && previous.outlier.config().equals(config.outlierDetection())) {
            this.outlier = previous.outlier;
        } else {
            this.outlier = new OutlierDetector(config.outlierDetection(), System::nanoTime);
        }
        String labels = "cluster=\"" + config.name() + "\"";
        this.retries = metrics.counter("retries_total", labels);
        this.budgetExhausted = metrics.counter("retry_budget_exhausted_total", labels);
        this.overflowRequests = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"requests\"");
        this.overflowPending = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"pending\"");
        this.overflowRetries = metrics.counter("circuit_breaker_overflow_total", labels + ",limit=\"retries\"");
        if (outlier != null) {
            OutlierDetector o = outlier;
            metrics.gauge("outlier_ejections_total{" + labels + "}", o::ejectionsTotal);
            metrics.gauge("outlier_ejected_endpoints{" + labels + "}", o::ejectedNow);
        }
    }

    public ClusterConfig config() {
        return config;
    }

    public CircuitBreakerState breakers() {
        return breakers;
    }

    public RetryBudgetState budget() {
        return budget;
    }

    /** Null when outlier detection is off. */
    public OutlierDetector outlier() {
        return outlier;
    }
}
