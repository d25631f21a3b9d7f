package dev.trellis.controlplane.telemetry;

import java.util.Map;
import java.util.SortedMap;

/**
 * Prometheus' {@code histogram_quantile}: finds the bucket holding the q-th observation and interpolates
 * linearly within it (observations are assumed spread evenly inside a bucket). The first bucket's lower
 * bound is 0; a rank in the +Inf bucket answers the largest finite bound.
 */
final class HistogramQuantile {
    private HistogramQuantile() {}

    /**
     * @param cumulative counts of observations ≤ each upper bound, by bound; must include +Inf to count at all
     * @return null when there are no observations
     */
    static Double of(double q, SortedMap<Double, Double> cumulative) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0..1)");
        }
        Double total = cumulative.get(Double.POSITIVE_INFINITY);
        if (total == null || total <= 0 || cumulative.size() < 2) {
            return null;
        }
        double rank = q * total;
        double lowerBound = 0;
        double below = 0;
        double previousBound = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            double bound = e.getKey();
            // cumulative counts summed from separate scrapes can dip by rounding; keep them monotonic
            double count = Math.max(e.getValue(), below);
            if (count >= rank && count > 0) {
                if (bound == Double.POSITIVE_INFINITY) {
                    return previousBound;
                }
                if (count == below) {
                    return bound;
                }
                return lowerBound + (bound - lowerBound) * (rank - below) / (count - below);
            }
            lowerBound = bound;
            previousBound = bound;
            below = count;
        }
        return previousBound;
    }
}
