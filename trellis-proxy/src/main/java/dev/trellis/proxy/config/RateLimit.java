package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A local token bucket (Envoy's local_ratelimit): {@code tokensPerFill} tokens every {@code fillInterval}, at most
 * {@code maxTokens}; a request without a token is answered 429 at once.
 */
public record RateLimit(long maxTokens, long tokensPerFill, Duration fillInterval) {
    public RateLimit {
        Objects.requireNonNull(fillInterval, "fillInterval");
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: > 0)");
        }
        if (tokensPerFill <= 0) {
            throw new IllegalArgumentException("tokensPerFill: " + tokensPerFill + " (expected: > 0)");
        }
        if (fillInterval.toMillis() < 1) {
            throw new IllegalArgumentException("fillInterval: " + fillInterval + " (expected: >= 1ms)");
        }
    }

    public static RateLimit perSecond(long requestsPerSecond) {
        return new RateLimit(requestsPerSecond, requestsPerSecond, Duration.ofSeconds(1));
    }
}
