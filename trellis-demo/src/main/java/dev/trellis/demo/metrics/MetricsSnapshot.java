package dev.trellis.demo.metrics;

import dev.trellis.controlplane.telemetry.MetricSample;
import dev.trellis.controlplane.telemetry.PrometheusText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One scrape of a sidecar's {@code /metrics}, with when it was taken.
 *
 * @param nanoTime {@link System#nanoTime()} at the scrape
 */
public record MetricsSnapshot(List<MetricSample> samples, long nanoTime) {
    public MetricsSnapshot {
        samples = List.copyOf(samples);
    }

    public static MetricsSnapshot empty(long nanoTime) {
        return new MetricsSnapshot(List.of(), nanoTime);
    }

    public static MetricsSnapshot parse(String text, long nanoTime) {
        return new MetricsSnapshot(PrometheusText.parse(text), nanoTime);
    }

    /** A metric name with its labels: equal for the same series across scrapes. */
    public record Series(String name, Map<String, String> labels) {}

    /** Values of the series of {@code name} whose labels pass {@code selector}. */
    public Map<Series, Double> series(String name, Predicate<Map<String, String>> selector) {
        Map<Series, Double> found = new HashMap<>();
        for (MetricSample sample : samples) {
            if (sample.name().equals(name) && selector.test(sample.labels())) {
                found.merge(new Series(sample.name(), sample.labels()), sample.value(), Double::sum);
            }
        }
        return found;
    }

    /** The distinct values of {@code label} over the series of {@code name} that pass {@code selector}. */
    public Set<String> labelValues(String name, String label, Predicate<Map<String, String>> selector) {
        Set<String> values = new TreeSet<>();
        for (MetricSample sample : samples) {
            if (sample.name().equals(name) && selector.test(sample.labels())) {
                values.add(sample.label(label));
            }
        }
        return values;
    }
}
