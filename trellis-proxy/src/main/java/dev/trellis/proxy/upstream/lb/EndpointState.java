package dev.trellis.proxy.upstream.lb;

import dev.trellis.proxy.config.Endpoint;

/**
 * Load-balancing state of one endpoint as one event loop sees it. Confined to that event loop, so plain
 * fields suffice (each worker balances on its own, as Envoy's workers do).
 */
public final class EndpointState {
    /** Linkerd's default for an endpoint with no latency observed yet. */
    static final double DEFAULT_RTT_NANOS = 30_000_000;
    static final double DECAY_NANOS = 10_000_000_000.0;

    private final Endpoint endpoint;
    private int active;
    private double ewmaNanos = DEFAULT_RTT_NANOS;
    private long lastUpdateNanos;

    public EndpointState(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Carries the observed load over when the endpoint set changes. */
    EndpointState inheritFrom(EndpointState previous) {
        this.active = previous.active;
        this.ewmaNanos = previous.ewmaNanos;
        this.lastUpdateNanos = previous.lastUpdateNanos;
        return this;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public int active() {
        return active;
    }

    public void onStart() {
        active++;
    }

    /** A request ended after {@code rttNanos}; peak-sensitive EWMA: a slower sample takes over at once. */
    public void onEnd(long rttNanos, long nowNanos) {
        if (active > 0) {
            active--;
        }
        if (rttNanos > ewmaNanos || lastUpdateNanos == 0) {
            ewmaNanos = rttNanos;
        } else {
            double elapsed = Math.max(0, nowNanos - lastUpdateNanos);
            double w = Math.exp(-elapsed / DECAY_NANOS);
            ewmaNanos = ewmaNanos * w + rttNanos * (1 - w);
        }
        lastUpdateNanos = nowNanos;
    }

    /** Releases the slot without a latency sample (the request failed before any response). */
    public void onAbort() {
        if (active > 0) {
            active--;
        }
    }

    double peakEwmaCost() {
        return ewmaNanos * (active + 1) / endpoint.weight();
    }

    double leastRequestCost() {
        return (active + 1.0) / endpoint.weight();
    }
}
