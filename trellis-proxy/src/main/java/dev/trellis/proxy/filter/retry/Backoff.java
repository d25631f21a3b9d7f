package dev.trellis.proxy.filter.retry;

import dev.trellis.proxy.config.RetryPolicy;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: retry n waits a random time in [0, min(max, base * 2^(n-1))]. */
public final class Backoff {
    private Backoff() {
    }

    public static long delayMillis(RetryPolicy policy, int retryNumber) {
        long base = policy.baseBackoff().toMillis();
        long cap = policy.maxBackoff().toMillis();
        long ceiling = Math.min(cap, base << Math.min(20, Math.max(0, retryNumber - 1)));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
