package dev.trellis.config.resource;

/**
 * A local token bucket: {@code requestsPerSecond} tokens each second, at most {@code burst} kept; a request
 * without a token is answered 429 at once.
 *
 * @param burst at least {@code requestsPerSecond}
 */
public record RateLimit(int requestsPerSecond, int burst) {
    public RateLimit {
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("requestsPerSecond: " + requestsPerSecond + " (expected: > 0)");
        }
        if (burst < requestsPerSecond) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: >= requestsPerSecond " + requestsPerSecond + ")");
        }
    }
}
