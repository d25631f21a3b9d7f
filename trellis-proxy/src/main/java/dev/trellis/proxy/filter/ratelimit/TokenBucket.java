package dev.trellis.proxy.filter.ratelimit;

import dev.trellis.proxy.config.RateLimit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A lock-free token bucket shared by every event loop: refills whole intervals lazily, on take. */
public final class TokenBucket {
    private final RateLimit limit;
    private final LongSupplier clockNanos;
    private final long intervalNanos;
    private final AtomicLong tokens;
    private final AtomicLong lastFillNanos;

    public TokenBucket(RateLimit limit, LongSupplier clockNanos) {
        this.limit = limit;
        this.clockNanos = clockNanos;
        this.intervalNanos = limit.fillInterval().toNanos();
        this.tokens = new AtomicLong(limit.maxTokens());
        this.lastFillNanos = new AtomicLong(clockNanos.getAsLong());
    }

    public boolean tryTake() {
        refill();
        while (true) {
            long t = tokens.get();
            if (t <= 0) {
                return false;
            }
            if (tokens.compareAndSet(t, t - 1)) {
                return true;
            }
        }
    }

    private void refill() {
        long now = clockNanos.getAsLong();
        long last = lastFillNanos.get();
        long intervals = (now - last) / intervalNanos;
        if (intervals > 0 && lastFillNanos.compareAndSet(last, last + intervals * intervalNanos)) {
            long add = intervals * limit.tokensPerFill();
            tokens.getAndUpdate(t -> Math.min(limit.maxTokens(), t + add));
        }
    }
}
