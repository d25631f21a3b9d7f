package dev.trellis.proxy.metrics;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The proxy's view of its control plane, in control plane mode only (a standalone proxy has no such
 * series): xds_connected (1 while the ADS stream is up) and xds_last_update_timestamp_seconds (when a
 * configuration from the control plane was last applied; 0 before the first).
 */
public final class ControlPlaneMetrics {
    private final LongSupplier nowMillis;
    private volatile long lastUpdateMillis;

    private ControlPlaneMetrics(LongSupplier nowMillis) {
        this.nowMillis = nowMillis;
    }

    /** @param connected whether the ADS stream is up now */
    public static ControlPlaneMetrics register(ProxyMetrics metrics, BooleanSupplier connected) {
        return register(metrics, connected, System::currentTimeMillis);
    }

    static ControlPlaneMetrics register(ProxyMetrics metrics, BooleanSupplier connected, LongSupplier nowMillis) {
        ControlPlaneMetrics m = new ControlPlaneMetrics(nowMillis);
        metrics.gauge("xds_connected", () -> connected.getAsBoolean() ? 1 : 0);
        metrics.gauge("xds_last_update_timestamp_seconds", () -> m.lastUpdateMillis / 1000.0);
        return m;
    }

    /** A configuration from the control plane was applied just now. */
    public void updated() {
        lastUpdateMillis = nowMillis.getAsLong();
    }
}
