package dev.trellis.proxy.config;

/**
 * Per-cluster limits (Envoy's circuit_breakers thresholds; defaults 1024 each — like Istio, retries are bounded by
 * the retry budget rather than Envoy's 3 concurrent retries); an overflow is answered 503 at once.
 *
 * @param maxConnections     upstream connections across all workers
 * @param maxPendingRequests requests waiting for a connection or stream
 * @param maxRequests        requests in flight
 * @param maxRetries         retries in flight
 */
public record CircuitBreakers(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
    public static final CircuitBreakers DEFAULT = new CircuitBreakers(1024, 1024, 1024, 1024);

    public CircuitBreakers {
        check("maxConnections", maxConnections);
        check("maxPendingRequests", maxPendingRequests);
        check("maxRequests", maxRequests);
        check("maxRetries", maxRetries);
    }

    private static void check(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
        }
    }
}
