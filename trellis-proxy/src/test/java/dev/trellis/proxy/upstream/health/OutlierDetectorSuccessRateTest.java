package dev.trellis.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.OutlierDetection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The success-rate detector on a fake clock: Envoy's statistics, its request volume and host minimums, max ejection. */
class OutlierDetectorSuccessRateTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private OutlierDetector detector(int maxEjectionPercent, int minimumHosts, int volume) {
        return new OutlierDetector(new OutlierDetection(0, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), maxEjectionPercent,
                minimumHosts, volume, 1.9, 50), now::get);
    }

    /** {@code requests} answers of each host, the first {@code failures[i]} of host i failing. */
    private static void traffic(OutlierDetector d, int requests, int... failures) {
        for (int r = 0; r < requests; r++) {
            for (int h = 0; h < failures.length; h++) {
                d.report("h" + h, r < failures[h] ? 500 : 200, failures.length);
            }
        }
    }

    private void nextInterval(OutlierDetector d, int hosts) {
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        d.report("h0", 200, hosts); // the first answer after the interval evaluates it
    }

    @Test
    void ejectsTheHostFarBelowTheMean() {
        OutlierDetector d = detector(50, 5, 50);
        traffic(d, 100, 0, 2, 50, 1, 0);
        assertThat(d.isEjected("h2")).isFalse();
        nextInterval(d, 5);
        assertThat(d.isEjected("h2")).isTrue();
        assertThat(d.successRateEjectionsTotal()).isEqualTo(1);
        assertThat(d.isEjected("h1")).isFalse();
        assertThat(d.ejectedNow()).isEqualTo(1);
    }

    @Test
    void needsEnoughHostsWithEnoughVolume() {
        OutlierDetector d = detector(50, 5, 50);
        traffic(d, 40, 0, 0, 40, 0, 0); // below the request volume
        nextInterval(d, 5);
        assertThat(d.isEjected("h2")).isFalse();
        OutlierDetector four = detector(50, 5, 10);
        traffic(four, 100, 0, 0, 100, 0); // only four hosts
        nextInterval(four, 4);
        assertThat(four.isEjected("h2")).isFalse();
    }

    @Test
    void uniformFailuresEjectNobody() {
        OutlierDetector d = detector(50, 5, 10);
        traffic(d, 100, 30, 30, 30, 30, 30);
        nextInterval(d, 5);
        assertThat(d.ejectedNow()).isZero();
    }

    @Test
    void respectsMaxEjectionPercent() {
        // ten hosts, two bad; at most 10 % (one host) may be out at once
        OutlierDetector d = detector(10, 5, 10);
        traffic(d, 100, 0, 0, 0, 0, 0, 0, 0, 0, 90, 95);
        nextInterval(d, 10);
        assertThat(d.ejectedNow()).isEqualTo(1);
    }

    @Test
    void theMath() {
        var counts = Map.of(
                "a", new SuccessRateOutliers.Counts(100, 100),
                "b", new SuccessRateOutliers.Counts(100, 100),
                "c", new SuccessRateOutliers.Counts(100, 100),
                "d", new SuccessRateOutliers.Counts(100, 100),
                "e", new SuccessRateOutliers.Counts(100, 50));
        // mean 90, stdev 20: the threshold is 90 - 1.9 * 20 = 52
        assertThat(SuccessRateOutliers.of(counts, 5, 100, 1.9)).containsExactly("e");
        assertThat(SuccessRateOutliers.of(counts, 5, 100, 2.5)).isEmpty();
        assertThat(SuccessRateOutliers.of(counts, 6, 100, 1.9)).isEmpty();
        assertThat(SuccessRateOutliers.of(counts, 5, 101, 1.9)).isEmpty();
    }
}
