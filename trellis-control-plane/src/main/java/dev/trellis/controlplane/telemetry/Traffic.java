package dev.trellis.controlplane.telemetry;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Responses counted over some interval: successes, failures, and the latency histogram's cumulative
 * bucket counts by upper bound in milliseconds (the last bound is +Inf).
 */
public record Traffic(double success, double failure, SortedMap<Double, Double> buckets) {
    public static final Traffic NONE = new Traffic(0, 0, new TreeMap<>());

    public Traffic {
        buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
    }

    public double requests() {
        return success + failure;
    }

    /** Null when nothing was answered. */
    public Double successRate() {
        double n = requests();
        return n == 0 ? null : success / n;
    }

    /** The q-quantile of latency in milliseconds, null when the histogram is empty. */
    public Double latency(double q) {
        return HistogramQuantile.of(q, buckets);
    }

    public Traffic plus(Traffic o) {
        if (o == NONE) {
            return this;
        }
        TreeMap<Double, Double> b = new TreeMap<>(buckets);
        o.buckets.forEach((le, n) -> b.merge(le, n, Double::sum));
        return new Traffic(success + o.success, failure + o.failure, b);
    }

    /** Sums traffic in bulk without copying the histogram per addition. */
    static final class Sum {
        private double success;
        private double failure;
        private final TreeMap<Double, Double> buckets = new TreeMap<>();

        Sum add(Traffic t) {
            success += t.success;
            failure += t.failure;
            t.buckets.forEach((le, n) -> buckets.merge(le, n, Double::sum));
            return this;
        }

        void response(boolean ok, double n) {
            if (ok) {
                success += n;
            } else {
                failure += n;
            }
        }

        void bucket(double le, double n) {
            buckets.merge(le, n, Double::sum);
        }

        Traffic traffic() {
            return new Traffic(success, failure, buckets);
        }

        static Traffic of(Iterable<Traffic> all) {
            Sum s = new Sum();
            all.forEach(s::add);
            return s.traffic();
        }
    }

    @Override
    public String toString() {
        return "Traffic[success=" + success + ", failure=" + failure + ", buckets=" + Map.copyOf(buckets) + "]";
    }
}
