package dev.trellis.proxy.filter.circuitbreaker;

import dev.trellis.proxy.config.CircuitBreakers;
import java.util.concurrent.atomic.AtomicInteger;

/** A cluster's live counts against its limits, shared by every event loop (Envoy's per-cluster circuit breakers). */
public final class CircuitBreakerState {
    public enum Limit { REQUESTS, PENDING, RETRIES, CONNECTIONS }

    private final CircuitBreakers limits;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();

    public CircuitBreakerState(CircuitBreakers limits) {
        this.limits = limits;
    }

    public boolean tryAcquireRequest() {
        return tryAcquire(requests, limits.maxRequests());
    }

    public void releaseRequest() {
        requests.decrementAndGet();
    }

    public boolean tryAcquirePending() {
        return tryAcquire(pending, limits.maxPendingRequests());
    }

    public void releasePending() {
        pending.decrementAndGet();
    }

    public boolean tryAcquireRetry() {
        return tryAcquire(retries, limits.maxRetries());
    }

    public void releaseRetry() {
        retries.decrementAndGet();
    }

    public int activeRequests() {
        return requests.get();
    }

    public int pendingRequests() {
        return pending.get();
    }

    private static boolean tryAcquire(AtomicInteger counter, int max) {
        if (counter.incrementAndGet() > max) {
            counter.decrementAndGet();
            return false;
        }
        return true;
    }
}
