package dev.trellis.demo.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void interpolatesInsideTheBucketHoldingTheRank() {
        // 10 observations <= 1ms, 80 in (1, 5], 10 in (5, 10]
        LatencyBuckets buckets = LatencyBuckets.of(Map.of(1.0, 10.0, 5.0, 90.0, 10.0, 100.0, INF, 100.0));

        assertThat(buckets.count()).isEqualTo(100);
        // rank 50: 40 of the 80 in (1, 5] -> 1 + 4 * 40/80
        assertThat(buckets.quantile(0.5)).isCloseTo(3.0, within(1e-9));
        // rank 99: 9 of the 10 in (5, 10] -> 5 + 5 * 9/10
        assertThat(buckets.quantile(0.99)).isCloseTo(9.5, within(1e-9));
        // the first bucket starts at 0
        assertThat(buckets.quantile(0.05)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aRankInTheInfiniteBucketAnswersTheHighestFiniteBound() {
        LatencyBuckets buckets = LatencyBuckets.of(Map.of(1.0, 50.0, 100.0, 90.0, INF, 100.0));

        assertThat(buckets.quantile(0.99)).isEqualTo(100.0);
    }

    @Test
    void emptyBucketsHaveNoPercentiles() {
        assertThat(LatencyBuckets.EMPTY.quantile(0.5)).isNaN();
        assertThat(LatencyBuckets.of(Map.of(1.0, 0.0, INF, 0.0)).quantile(0.99)).isNaN();
    }

    @Test
    void subtractingAnEarlierScrapeLeavesTheObservationsBetween() {
        LatencyBuckets earlier = LatencyBuckets.of(Map.of(1.0, 100.0, 10.0, 100.0, INF, 100.0));
        LatencyBuckets later = LatencyBuckets.of(Map.of(1.0, 100.0, 10.0, 120.0, INF, 120.0));

        LatencyBuckets between = later.minus(earlier);

        // all 20 new observations are in (1, 10]: the old fast ones do not hide the new slow ones
        assertThat(between.count()).isEqualTo(20);
        assertThat(between.quantile(0.5)).isCloseTo(5.5, within(1e-9));
        assertThat(later.quantile(0.5)).isLessThanOrEqualTo(1.0);
    }

    @Test
    void aBucketThatWentDownCountsFromZero() {
        LatencyBuckets beforeRestart = LatencyBuckets.of(Map.of(1.0, 500.0, INF, 500.0));
        LatencyBuckets afterRestart = LatencyBuckets.of(Map.of(1.0, 3.0, INF, 4.0));

        assertThat(afterRestart.minus(beforeRestart).count()).isEqualTo(4);
    }

    @Test
    void addsSeriesByBoundAndKeepsCountsMonotonic() {
        LatencyBuckets a = LatencyBuckets.of(Map.of(1.0, 1.0, 5.0, 2.0, INF, 2.0));
        LatencyBuckets b = LatencyBuckets.of(Map.of(1.0, 0.0, 5.0, 4.0, INF, 4.0));

        LatencyBuckets sum = a.plus(b);

        assertThat(sum.count()).isEqualTo(6);
        // a non-atomic scrape can read a higher bucket lower: it is lifted to the one below
        LatencyBuckets torn = LatencyBuckets.of(Map.of(1.0, 5.0, 5.0, 4.0, INF, 6.0));
        assertThat(torn.quantile(0.5)).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void rejectsImpossibleInput() {
        assertThatThrownBy(() -> LatencyBuckets.of(Map.of(1.0, -1.0)))
                .hasMessage("count at le=1.0: -1.0 (expected: >= 0)");
        assertThatThrownBy(() -> LatencyBuckets.EMPTY.quantile(1.5)).hasMessage("q: 1.5 (expected: 0..1)");
    }
}
