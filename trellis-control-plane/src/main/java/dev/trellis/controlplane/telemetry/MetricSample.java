package dev.trellis.controlplane.telemetry;

import java.util.Map;
import java.util.Objects;

/** One line of the Prometheus text format: {@code name{labels} value}. */
public record MetricSample(String name, Map<String, String> labels, double value) {
    public MetricSample {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
    }

    /** The label's value, "" when absent (as Prometheus treats a missing label). */
    public String label(String key) {
        return labels.getOrDefault(key, "");
    }
}
