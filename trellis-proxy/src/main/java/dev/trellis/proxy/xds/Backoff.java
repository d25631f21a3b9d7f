package dev.trellis.proxy.xds;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for reconnecting: base, 2×base, 4×base … up to max, each delay drawn
 * uniformly from [50%, 100%] of its step so that many proxies losing one control plane do not come back
 * in lockstep. {@link #reset()} after a stream that worked.
 */
final class Backoff {
    private final Duration base;
    private final Duration max;
    private final DoubleSupplier random;
    private int attempt;

    Backoff(Duration base, Duration max, DoubleSupplier random) {
        this.base = Objects.requireNonNull(base, "base");
        this.max = Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff: base " + base + ", max " + max + " (expected: 0 < base <= max)");
        }
    }

    Duration next() {
        long step = base.toMillis() << Math.min(attempt, 20);
        attempt++;
        long capped = Math.min(step, max.toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * random.getAsDouble())));
    }

    void reset() {
        attempt = 0;
    }
}
