package dev.trellis.proxy.config;

import java.util.Objects;

/**
 * Where and how often a proxy reports spans.
 *
 * @param samplingPercent share of new traces to sample, 0–100 (a caller's sampled flag is always honoured)
 * @param exporter        the span exporter
 * @param endpoint        the collector URL (OTLP: e.g. http://127.0.0.1:4317; Zipkin: .../api/v2/spans); null
 *                        for the exporter's default or the OpenTelemetry environment variables
 */
public record TracingConfig(double samplingPercent, Exporter exporter, String endpoint) {

    public enum Exporter { OTLP, ZIPKIN, NONE }

    /** No spans reported; trace context is still passed on. */
    public static final TracingConfig DISABLED = new TracingConfig(0, Exporter.NONE, null);

    public TracingConfig {
        Objects.requireNonNull(exporter, "exporter");
        if (!(samplingPercent >= 0 && samplingPercent <= 100)) {
            throw new IllegalArgumentException("samplingPercent: " + samplingPercent + " (expected: 0 to 100)");
        }
    }

    public boolean enabled() {
        return exporter != Exporter.NONE;
    }
}
