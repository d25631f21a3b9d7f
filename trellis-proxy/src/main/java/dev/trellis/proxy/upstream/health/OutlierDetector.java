package dev.trellis.proxy.upstream.health;

import dev.trellis.proxy.config.OutlierDetection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Passive health of a cluster's endpoints, shared by every event loop: consecutive failures eject an endpoint for
 * a time that grows with each ejection, and so does a success rate far below the others' (evaluated once per
 * interval, see {@link SuccessRateOutliers}); never more than the max ejection percentage at once. Balancers watch
 * {@link #version()} and rebuild their candidate lists when it moves.
 */
public final class OutlierDetector {
    private final OutlierDetection config;
    private final LongSupplier clockNanos;
    private final Map<String, EndpointHealth> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger version = new AtomicInteger();
    private final AtomicInteger ejected = new AtomicInteger();
    private final AtomicLong nextUnejectNanos = new AtomicLong(Long.MAX_VALUE);
    private final LongAdder ejections = new LongAdder();
    private final LongAdder successRateEjections = new LongAdder();
    private final AtomicLong nextSweepNanos;
    private volatile int clusterSize;

    public OutlierDetector(OutlierDetection config, LongSupplier clockNanos) {
        this.config = config;
        this.clockNanos = clockNanos;
        this.nextSweepNanos = new AtomicLong(clockNanos.getAsLong() + config.interval().toNanos());
    }

    public OutlierDetection config() {
        return config;
    }

    public int version() {
        return version.get();
    }

    public long ejectionsTotal() {
        return ejections.sum();
    }

    public int ejectedNow() {
        return ejected.get();
    }

    /** Ejections for a success rate below the others'. */
    public long successRateEjectionsTotal() {
        return successRateEjections.sum();
    }

    private boolean successRateOn() {
        return config.successRateMinimumHosts() > 0;
    }

    /** An attempt's outcome: {@code status} 0 means it never got a response (connect failure, reset, timeout). */
    public void report(String endpoint, int status, int clusterSize) {
        EndpointHealth h = endpoints.computeIfAbsent(endpoint, e -> new EndpointHealth());
        boolean gatewayFailure = status == 0 || status == 502 || status == 503 || status == 504;
        boolean serverError = status == 0 || status >= 500;
        if (successRateOn()) {
            this.clusterSize = clusterSize;
            h.requests.increment();
            if (!serverError) {
                h.successes.increment();
            }
            sweepIfDue();
        }
        if (!serverError) {
            h.consecutive5xx.set(0);
            h.consecutiveGateway.set(0);
            return;
        }
        int c5 = h.consecutive5xx.incrementAndGet();
        int cg = gatewayFailure ? h.consecutiveGateway.incrementAndGet() : h.consecutiveGateway.get();
        boolean trip = config.consecutive5xx() > 0 && c5 >= config.consecutive5xx()
                || config.consecutiveGatewayFailure() > 0 && gatewayFailure && cg >= config.consecutiveGatewayFailure();
        if (trip) {
            eject(h, clusterSize);
        }
    }

    /** Once per interval, whichever event loop gets here first: ejects success-rate outliers of the interval past. */
    private void sweepIfDue() {
        long due = nextSweepNanos.get();
        long now = clockNanos.getAsLong();
        if (now < due || !nextSweepNanos.compareAndSet(due, now + config.interval().toNanos())) {
            return;
        }
        Map<String, SuccessRateOutliers.Counts> counts = new HashMap<>();
        endpoints.forEach((endpoint, h) -> {
            long requests = h.requests.sumThenReset();
            long successes = h.successes.sumThenReset();
            if (h.ejectedUntilNanos <= now) {
                counts.put(endpoint, new SuccessRateOutliers.Counts(requests, successes));
            }
        });
        for (String endpoint : SuccessRateOutliers.of(counts, config.successRateMinimumHosts(), config.successRateRequestVolume(),
                config.successRateStdevFactor())) {
            if (eject(endpoints.get(endpoint), clusterSize)) {
                successRateEjections.increment();
            }
        }
    }

    /** Ejects unless already ejected or at the max ejection percentage; true when it did. */
    private boolean eject(EndpointHealth h, int clusterSize) {
        long now = clockNanos.getAsLong();
        if (h.ejectedUntilNanos > now) {
            return false;
        }
        // at least one endpoint may always be ejected, as Envoy does
        int max = Math.max(1, clusterSize * config.maxEjectionPercent() / 100);
        synchronized (this) {
            if (ejected.get() >= max || h.ejectedUntilNanos > now) {
                return false;
            }
            int times = ++h.ejectionCount;
            long until = now + config.baseEjectionTime().toNanos() * times;
            h.ejectedUntilNanos = until;
            h.consecutive5xx.set(0);
            h.consecutiveGateway.set(0);
            ejected.incrementAndGet();
            ejections.increment();
            nextUnejectNanos.accumulateAndGet(until, Math::min);
            version.incrementAndGet();
            return true;
        }
    }

    /** Returns ejected endpoints whose time is up to the rotation; cheap when nothing is due. */
    public void unejectDue() {
        long now = clockNanos.getAsLong();
        if (now < nextUnejectNanos.get()) {
            return;
        }
        synchronized (this) {
            long next = Long.MAX_VALUE;
            boolean changed = false;
            for (EndpointHealth h : endpoints.values()) {
                if (h.ejectedUntilNanos != 0 && h.ejectedUntilNanos <= now) {
                    h.ejectedUntilNanos = 0;
                    ejected.decrementAndGet();
                    changed = true;
                } else if (h.ejectedUntilNanos > now) {
                    next = Math.min(next, h.ejectedUntilNanos);
                }
            }
            nextUnejectNanos.set(next);
            if (changed) {
                version.incrementAndGet();
            }
        }
    }

    public boolean isEjected(String endpoint) {
        EndpointHealth h = endpoints.get(endpoint);
        return h != null && h.ejectedUntilNanos > clockNanos.getAsLong();
    }

    private static final class EndpointHealth {
        final AtomicInteger consecutive5xx = new AtomicInteger();
        final AtomicInteger consecutiveGateway = new AtomicInteger();
        final LongAdder requests = new LongAdder();
        final LongAdder successes = new LongAdder();
        volatile long ejectedUntilNanos;
        int ejectionCount;
    }
}
