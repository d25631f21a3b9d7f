package dev.trellis.demo.metrics;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A Prometheus histogram's cumulative buckets: upper bound ({@code le}) to the number of observations at or
 * below it. Buckets of several series add up, and the buckets of two scrapes subtract into the observations
 * made between them; percentiles come from interpolating inside a bucket, as {@code histogram_quantile} does.
 */
public final class LatencyBuckets {
    public static final LatencyBuckets EMPTY = new LatencyBuckets(new TreeMap<>());

    private final NavigableMap<Double, Double> cumulative;

    private LatencyBuckets(NavigableMap<Double, Double> cumulative) {
        this.cumulative = cumulative;
    }

    /** @param cumulative upper bound to cumulative count; the highest bound is usually +Inf */
    public static LatencyBuckets of(Map<Double, Double> cumulative) {
        TreeMap<Double, Double> sorted = new TreeMap<>();
        cumulative.forEach((le, count) -> {
            if (Double.isNaN(le)) {
                throw new IllegalArgumentException("le: NaN (expected: a number or +Inf)");
            }
            if (!(count >= 0)) {
                throw new IllegalArgumentException("count at le=" + le + ": " + count + " (expected: >= 0)");
            }
            sorted.put(le, count);
        });
        return new LatencyBuckets(monotonic(sorted));
    }

    public LatencyBuckets plus(LatencyBuckets other) {
        TreeMap<Double, Double> sum = new TreeMap<>(cumulative);
        other.cumulative.forEach((le, count) -> sum.merge(le, count, Double::sum));
        return new LatencyBuckets(monotonic(sum));
    }

    /** The observations made since {@code earlier}; a bucket that went down (a restart) counts from zero. */
    public LatencyBuckets minus(LatencyBuckets earlier) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        cumulative.forEach((le, count) -> {
            double before = earlier.cumulative.getOrDefault(le, 0.0);
            delta.put(le, count >= before ? count - before : count);
        });
        return new LatencyBuckets(monotonic(delta));
    }

    /** The number of observations: the count of the highest bucket. */
    public double count() {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    /**
     * The {@code q}-quantile (0..1) in the buckets' unit, NaN without observations. A rank that falls in the
     * +Inf bucket answers the highest finite bound, the most the buckets can tell.
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0..1)");
        }
        double total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            double upperBound = bucket.getKey();
            double upperCount = bucket.getValue();
            if (upperCount >= rank && upperCount > lowerCount) {
                if (upperBound == Double.POSITIVE_INFINITY) {
                    return lowerBound;
                }
                double start = Math.min(lowerBound, upperBound);
                return start + (upperBound - start) * (rank - lowerCount) / (upperCount - lowerCount);
            }
            lowerBound = upperBound;
            lowerCount = upperCount;
        }
        return lowerBound;
    }

    /** Scrapes are not atomic, so a higher bucket may read lower than one below it: lift it. */
    private static NavigableMap<Double, Double> monotonic(TreeMap<Double, Double> buckets) {
        double max = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            max = Math.max(max, bucket.getValue());
            bucket.setValue(max);
        }
        return buckets;
    }

    @Override
    public String toString() {
        return "LatencyBuckets" + cumulative;
    }
}
