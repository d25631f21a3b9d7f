package dev.trellis.proxy.runtime;

import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.metrics.ProxyMetrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds the configuration in force. Updates compile off the event loops and swap one volatile reference,
 * so a request reads one consistent snapshot and in-flight requests finish on the one they started with.
 */
public final class ConfigStore {
    private final ProxyMetrics metrics;
    private final ClusterRuntimes clusterRuntimes;
    private final AtomicLong updates = new AtomicLong();
    private volatile RuntimeConfig current;

    public ConfigStore(ProxyMetrics metrics) {
        this.metrics = metrics;
        this.clusterRuntimes = new ClusterRuntimes(metrics);
        metrics.gauge("proxy_config_updates_total", updates::get);
        metrics.gauge("proxy_ready", () -> current == null ? 0 : 1);
    }

    /** Null until the first configuration arrives. */
    public RuntimeConfig current() {
        return current;
    }

    public boolean ready() {
        return current != null;
    }

    public synchronized void update(ProxySnapshot snapshot) {
        RuntimeConfig compiled = RuntimeConfig.compile(snapshot, metrics, clusterRuntimes);
        current = compiled;
        updates.incrementAndGet();
    }
}
