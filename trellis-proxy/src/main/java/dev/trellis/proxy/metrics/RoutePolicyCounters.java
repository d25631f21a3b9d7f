package dev.trellis.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one route's own decisions: rate-limited requests and injected faults. Their label sets are
 * built once per configuration snapshot, and each counter is registered the first time it counts, so a route
 * that never limits or injects adds no series and a request that does builds no strings.
 */
public final class RoutePolicyCounters {
    private final ProxyMetrics metrics;
    private final String labels;
    private volatile LongAdder rateLimited;
    private volatile LongAdder faultAborts;
    private volatile LongAdder faultDelays;

    RoutePolicyCounters(ProxyMetrics metrics, String labels) {
        this.metrics = metrics;
        this.labels = labels;
    }

    /** {@code rate_limited_total}. */
    public LongAdder rateLimited() {
        LongAdder c = rateLimited;
        if (c == null) {
            c = metrics.counter("rate_limited_total", labels);
            rateLimited = c;
        }
        return c;
    }

    /** {@code faults_injected_total{kind="abort"}}. */
    public LongAdder faultAborts() {
        LongAdder c = faultAborts;
        if (c == null) {
            c = metrics.counter("faults_injected_total", labels + ",kind=\"abort\"");
            faultAborts = c;
        }
        return c;
    }

    /** {@code faults_injected_total{kind="delay"}}. */
    public LongAdder faultDelays() {
        LongAdder c = faultDelays;
        if (c == null) {
            c = metrics.counter("faults_injected_total", labels + ",kind=\"delay\"");
            faultDelays = c;
        }
        return c;
    }
}
