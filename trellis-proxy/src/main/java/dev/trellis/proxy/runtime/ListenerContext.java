package dev.trellis.proxy.runtime;

import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.telemetry.Telemetry;
import dev.trellis.proxy.upstream.Upstreams;

/**
 * What the handlers of one listener share: its name in the configuration, its direction label and the
 * proxy-wide services.
 */
public record ListenerContext(
        String name,
        String direction,
        ConfigStore config,
        ProxyMetrics metrics,
        Upstreams upstreams,
        ProxyOptions options,
        DrainTracker drain,
        Telemetry telemetry) {

    /** A listener whose requests no tracer, access log or tap observes. */
    public ListenerContext(String name, String direction, ConfigStore config, ProxyMetrics metrics, Upstreams upstreams,
                           ProxyOptions options, DrainTracker drain) {
        this(name, direction, config, metrics, upstreams, options, drain, new Telemetry());
    }
}
