package dev.trellis.demo.app;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often a demo service answers late, and how late: gives a version a latency tail to see in the mesh's
 * percentiles.
 *
 * @param percent share of requests that are delayed, 0..100
 * @param delay   the added delay
 */
public record Slowness(int percent, Duration delay) {
    public static final Slowness NONE = new Slowness(0, Duration.ZERO);

    public Slowness {
        Objects.requireNonNull(delay, "delay");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
    }

    /** Waits the delay on {@code percent}% of calls. */
    void maybeWait() throws InterruptedException {
        if (percent > 0 && !delay.isZero() && ThreadLocalRandom.current().nextInt(100) < percent) {
            Thread.sleep(delay.toMillis());
        }
    }
}
