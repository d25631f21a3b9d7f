package dev.trellis.demo.metrics;

import java.util.Map;
import java.util.Objects;

/**
 * One line of a Prometheus text exposition: a series (name and labels) and its value.
 */
public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
    }

    /** The series this sample belongs to: equal for the same name and labels across scrapes. */
    public Series series() {
        return new Series(name, labels);
    }

    public String label(String name) {
        return labels.getOrDefault(name, "");
    }

    /** A metric name with its labels. */
    public record Series(String name, Map<String, String> labels) {}
}
