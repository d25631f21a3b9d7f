package dev.trellis.proxy.telemetry.accesslog;

import dev.trellis.proxy.config.AccessLogConfig;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.runtime.ConfigStore;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestTelemetry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * JSON-lines access logs of the HTTP listeners whose telemetry asks for one. The configuration is read for every
 * request, so turning a log on or off, or moving it, takes effect with the next request; listeners without an
 * access log cost one map lookup per request.
 */
public final class AccessLog implements RequestTelemetry, AutoCloseable {
    /** Lines waiting for the writer thread; beyond this they are dropped (and counted). */
    private static final int QUEUE_CAPACITY = 16_384;

    private final ConfigStore config;
    private final AccessLogWriter writer;

    public AccessLog(ConfigStore config, ProxyMetrics metrics) {
        this.config = config;
        this.writer = new AccessLogWriter(QUEUE_CAPACITY, this::configuredPaths,
                metrics.counter("access_log_dropped_total", "reason=\"queue_full\""),
                metrics.counter("access_log_dropped_total", "reason=\"write_failed\""));
    }

    @Override
    public RequestObserver observe(String direction, HttpRequest request, Channel downstream) {
        // the HTTP listeners are named after their direction
        Optional<AccessLogConfig> accessLog = accessLogOf(config.current(), direction);
        if (accessLog.isEmpty()) {
            return null;
        }
        String path = accessLog.get().path();
        return new RequestRecorder(direction, request, downstream, record -> writer.offer(path, record));
    }

    private static Optional<AccessLogConfig> accessLogOf(RuntimeConfig rc, String listener) {
        ListenerConfig l = rc == null ? null : rc.listener(listener);
        return l == null ? Optional.empty() : l.telemetry().accessLog();
    }

    private Set<String> configuredPaths() {
        RuntimeConfig rc = config.current();
        Set<String> paths = new HashSet<>(4);
        if (rc != null) {
            for (ListenerConfig l : rc.snapshot().listeners().values()) {
                l.telemetry().accessLog().ifPresent(a -> paths.add(a.path()));
            }
        }
        return paths;
    }

    /** Writes what is queued and closes the files. */
    @Override
    public void close() {
        writer.close();
    }
}
