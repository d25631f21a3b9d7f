package dev.trellis.proxy.filter.authz;

import dev.trellis.proxy.metrics.ProxyMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** authz_decision_total{policy, decision}: every decision counted, exported through the proxy's /metrics. */
public final class AuthzStats {
    private final ProxyMetrics metrics;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public AuthzStats(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    public void count(AuthzDecision d) {
        String series = "authz_decision_total{policy=\"" + d.policy() + "\",decision=\"" + (d.allowed() ? "allow" : "deny") + "\"}";
        LongAdder n = counts.get(series);
        if (n == null) {
            n = counts.computeIfAbsent(series, s -> {
                LongAdder fresh = new LongAdder();
                metrics.gauge(s, fresh::sum);
                return fresh;
            });
        }
        n.increment();
    }

    public long count(String policy, boolean allowed) {
        LongAdder n = counts.get("authz_decision_total{policy=\"" + policy + "\",decision=\"" + (allowed ? "allow" : "deny") + "\"}");
        return n == null ? 0 : n.sum();
    }
}
