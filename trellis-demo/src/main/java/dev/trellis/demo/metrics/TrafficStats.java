package dev.trellis.demo.metrics;

import dev.trellis.controlplane.telemetry.MetricSample;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The traffic one slice of a sidecar's metrics saw between two scrapes: how many responses, how many succeeded
 * and their latency distribution (from {@code response_total} and {@code response_latency_ms}).
 *
 * @param latency latency buckets in milliseconds
 */
public record TrafficStats(double responses, double successes, LatencyBuckets latency, Duration window) {
    public static final String RESPONSES = "response_total";
    public static final String LATENCY = "response_latency_ms";

    public TrafficStats {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(window, "window");
    }

    public static TrafficStats between(
            MetricsSnapshot before, MetricsSnapshot after, Predicate<Map<String, String>> selector) {
        double responses = 0;
        double successes = 0;
        Map<MetricsSnapshot.Series, Double> earlier = before.series(RESPONSES, selector);
        for (Map.Entry<MetricsSnapshot.Series, Double> series : after.series(RESPONSES, selector).entrySet()) {
            double delta = increase(earlier.getOrDefault(series.getKey(), 0.0), series.getValue());
            responses += delta;
            if (ResponseClass.isSuccess(series.getKey().labels())) {
                successes += delta;
            }
        }
        LatencyBuckets latency = buckets(after, selector).minus(buckets(before, selector));
        return new TrafficStats(responses, successes, latency, Duration.ofNanos(after.nanoTime() - before.nanoTime()));
    }

    /** The series' buckets summed by {@code le}, over every selected series. */
    private static LatencyBuckets buckets(MetricsSnapshot snapshot, Predicate<Map<String, String>> selector) {
        Map<Double, Double> byBound = new HashMap<>();
        for (MetricSample sample : snapshot.samples()) {
            if (sample.name().equals(LATENCY + "_bucket") && selector.test(sample.labels())) {
                byBound.merge(parseBound(sample.label("le")), sample.value(), Double::sum);
            }
        }
        return LatencyBuckets.of(byBound);
    }

    private static double parseBound(String le) {
        return le.equals("+Inf") || le.equals("Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    /** A counter that went down was reset (the sidecar restarted): all of its value is new. */
    private static double increase(double before, double after) {
        return after >= before ? after - before : after;
    }

    public double requestsPerSecond() {
        double seconds = window.toNanos() / 1e9;
        return seconds > 0 ? responses / seconds : 0;
    }

    /** Share of successful responses, 0..1; NaN without responses. */
    public double successRate() {
        return responses > 0 ? successes / responses : Double.NaN;
    }

    public double p50() {
        return latency.quantile(0.5);
    }

    public double p99() {
        return latency.quantile(0.99);
    }
}
