package dev.trellis.proxy.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts in-flight requests so shutdown can wait for them, and tells handlers when draining began. */
public final class DrainTracker {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public void begin() {
        inFlight.incrementAndGet();
    }

    public void end() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
