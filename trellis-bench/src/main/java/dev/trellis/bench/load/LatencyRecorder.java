package dev.trellis.bench.load;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The counts of one connection, touched only by its event loop: latencies of requests scheduled inside the
 * measurement window, completions inside it (throughput), and failures over the whole run.
 */
final class LatencyRecorder {
    /** Latencies above this are recorded as this; an open-loop run that far behind has failed anyway. */
    static final long MAX_NANOS = 60_000_000_000L;

    private final RunClock clock;
    private final Histogram histogram = new Histogram(MAX_NANOS, 3);
    private long completedInWindow;
    private long errors;
    private final Map<Integer, Long> failures = new TreeMap<>();
    private long timeouts;
    private long reconnects;

    LatencyRecorder(RunClock clock) {
        this.clock = clock;
    }

    void record(long startNanos, long endNanos, int outcome) {
        if (!Outcome.isSuccess(outcome)) {
            errors++;
            failures.merge(outcome, 1L, Long::sum);
            return;
        }
        if (clock.inWindow(endNanos)) {
            completedInWindow++;
        }
        if (clock.inWindow(startNanos)) {
            histogram.recordValue(Math.min(Math.max(endNanos - startNanos, 1), MAX_NANOS));
        }
    }

    void timedOut(int count) {
        timeouts += count;
    }

    void reconnected() {
        reconnects++;
    }

    /** A copy for the thread that merges the connections' counts. */
    Counts snapshot() {
        return new Counts(histogram.copy(), completedInWindow, errors, Map.copyOf(failures), timeouts, reconnects);
    }

    /** @param failures failed requests by {@link Outcome} */
    record Counts(Histogram histogram, long completedInWindow, long errors, Map<Integer, Long> failures,
                  long timeouts, long reconnects) {
    }
}
