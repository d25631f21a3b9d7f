package dev.trellis.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HistogramQuantileTest {
    private static TreeMap<Double, Double> buckets(double... boundAndCount) {
        TreeMap<Double, Double> b = new TreeMap<>();
        for (int i = 0; i < boundAndCount.length; i += 2) {
            b.put(boundAndCount[i], boundAndCount[i + 1]);
        }
        return b;
    }

    @Test
    void interpolatesLinearlyWithinTheBucketAsPrometheusDoes() {
        // 10 observations ≤ 10ms, 10 more in (10, 20], none above
        TreeMap<Double, Double> b = buckets(10, 10, 20, 20, 50, 20, Double.POSITIVE_INFINITY, 20);
        assertThat(HistogramQuantile.of(0.5, b)).isCloseTo(10.0, within(1e-9));   // rank 10: the top of the first bucket
        assertThat(HistogramQuantile.of(0.75, b)).isCloseTo(15.0, within(1e-9));  // rank 15: halfway through (10, 20]
        assertThat(HistogramQuantile.of(0.25, b)).isCloseTo(5.0, within(1e-9));   // the first bucket starts at 0
        assertThat(HistogramQuantile.of(1.0, b)).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void aRankInTheInfBucketAnswersTheLargestFiniteBound() {
        TreeMap<Double, Double> b = buckets(1, 1, 2, 1, Double.POSITIVE_INFINITY, 10);
        assertThat(HistogramQuantile.of(0.99, b)).isEqualTo(2.0);
    }

    @Test
    void nothingObservedIsNull() {
        assertThat(HistogramQuantile.of(0.5, buckets(1, 0, Double.POSITIVE_INFINITY, 0))).isNull();
        assertThat(HistogramQuantile.of(0.5, buckets())).isNull();
        assertThat(HistogramQuantile.of(0.5, buckets(1, 3))).as("without +Inf").isNull();
    }
}
