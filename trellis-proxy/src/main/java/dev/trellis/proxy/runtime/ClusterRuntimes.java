package dev.trellis.proxy.runtime;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.metrics.ProxyMetrics;
import java.util.HashMap;
import java.util.Map;

/** Builds the {@link ClusterRuntime}s of a new snapshot, carrying over the state of unchanged policies. */
final class ClusterRuntimes {
    private final ProxyMetrics metrics;
    private Map<String, ClusterRuntime> current = Map.of();

    ClusterRuntimes(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    synchronized Map<String, ClusterRuntime> update(Map<String, ClusterConfig> clusters) {
        Map<String, ClusterRuntime> next = new HashMap<>();
        for (ClusterConfig c : clusters.values()) {
            ClusterRuntime previous = current.get(c.name());
            next.put(c.name(), previous != null && previous.config().equals(c) ? previous : new ClusterRuntime(c, metrics, previous));
        }
        current = Map.copyOf(next);
        return current;
    }
}
