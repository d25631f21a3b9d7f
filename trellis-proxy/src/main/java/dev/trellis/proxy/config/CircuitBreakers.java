package dev.trellis.proxy.config;

/**
 * Per-cluster limits (Envoy's circuit_breakers thresholds, same defaults); an overflow is answered 503 at once.
 *
 * @param maxConnections     upstream connections across all workers
 * @param maxPendingRequests requests waiting for a connection or stream
 * @param maxRequests        requests in flight
 * @param maxRetries         retries in flight
 */
public record CircuitBreakers(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
    public static final CircuitBreakers DEFAULT = new CircuitBreakers(1024, 1024, 1024, 3);

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
