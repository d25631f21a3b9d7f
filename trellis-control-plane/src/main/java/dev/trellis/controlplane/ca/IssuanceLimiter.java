package dev.trellis.controlplane.ca;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets per identity: {@code burst} certificates back to back, then one per {@code refillEvery}.
 * A leaked token or a crash-looping proxy cannot make the CA sign without bound.
 */
final class IssuanceLimiter {
    private static final int MAX_TRACKED = 100_000;

    private final int burst;
    private final long refillNanos;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    IssuanceLimiter(int burst, Duration refillEvery, Clock clock) {
        this.burst = burst;
        this.refillNanos = refillEvery.toNanos();
        this.clock = clock;
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    /** @return zero when allowed (and counted), else how long until the next one would be */
    synchronized Duration acquire(String identity) {
        long now = nanos();
        if (buckets.size() > MAX_TRACKED) {
            buckets.values().removeIf(b -> b.tokens + (now - b.updatedNanos) / (double) refillNanos >= burst);
        }
        Bucket b = buckets.computeIfAbsent(identity, k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = burst;
            fresh.updatedNanos = now;
            return fresh;
        });
        b.tokens = Math.min(burst, b.tokens + (now - b.updatedNanos) / (double) refillNanos);
        b.updatedNanos = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - b.tokens) * refillNanos));
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
