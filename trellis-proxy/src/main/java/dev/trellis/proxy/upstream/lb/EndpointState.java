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
    private final String authority;
    private int active;
    private double ewmaNanos = DEFAULT_RTT_NANOS;
    private long stampNanos;
    private boolean measured;

    public EndpointState(Endpoint endpoint) {
        this(endpoint, System.nanoTime());
    }

    /** @param createdNanos when the endpoint appeared: its default latency decays from then on */
    EndpointState(Endpoint endpoint, long createdNanos) {
        this.endpoint = endpoint;
        this.authority = endpoint.authority();
        this.stampNanos = createdNanos;
    }

    /** Carries the observed load over when the endpoint set changes. */
    EndpointState inheritFrom(EndpointState previous) {
        this.active = previous.active;
        this.ewmaNanos = previous.ewmaNanos;
        this.stampNanos = previous.stampNanos;
        this.measured = previous.measured;
        return this;
    }

    /** The endpoint's "host:port", built once rather than per request. */
    public String authority() {
        return authority;
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
        if (rttNanos > ewmaNanos || !measured) {
            ewmaNanos = rttNanos;
        } else {
            double w = Math.exp(-Math.max(0, nowNanos - stampNanos) / DECAY_NANOS);
            ewmaNanos = ewmaNanos * w + rttNanos * (1 - w);
        }
        measured = true;
        stampNanos = nowNanos;
    }

    /** Releases the slot without a latency sample (the request failed before any response). */
    public void onAbort() {
        if (active > 0) {
            active--;
        }
    }

    /**
     * Latency estimate times outstanding requests. Read, the estimate decays toward zero for the time that passed
     * without an answer (Finagle's and Linkerd's rule): an endpoint left alone after one slow answer, or never
     * measured, is tried again after a while instead of starved for as long as the others stay fast.
     */
    double peakEwmaCost(long nowNanos) {
        long elapsed = nowNanos - stampNanos;
        if (elapsed > 0) {
            ewmaNanos *= Math.exp(-elapsed / DECAY_NANOS);
            stampNanos = nowNanos;
        }
        return ewmaNanos * (active + 1) / endpoint.weight();
    }

    double leastRequestCost() {
        return (active + 1.0) / endpoint.weight();
    }
}
