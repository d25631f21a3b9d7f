package dev.trellis.proxy.config;

import java.util.Objects;
import java.util.Optional;

/**
 * What an HTTP listener reports about its requests besides metrics: spans and an access log.
 *
 * @param tracing   span reporting ({@link TracingConfig#DISABLED} when off)
 * @param accessLog the access log, if the service opted in
 */
public record ListenerTelemetry(TracingConfig tracing, Optional<AccessLogConfig> accessLog) {

    public static final ListenerTelemetry NONE = new ListenerTelemetry(TracingConfig.DISABLED, Optional.empty());

    public ListenerTelemetry {
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(accessLog, "accessLog");
    }
}
