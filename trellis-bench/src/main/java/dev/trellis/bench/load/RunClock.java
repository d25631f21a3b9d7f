package dev.trellis.bench.load;

/**
 * The run's timeline in {@link System#nanoTime()} terms: sending starts at {@code start}, latencies of
 * requests scheduled in [{@code measureStart}, {@code measureEnd}) are recorded, and nothing is scheduled
 * from {@code measureEnd} on.
 */
record RunClock(long start, long measureStart, long measureEnd) {

    boolean inWindow(long nanos) {
        return nanos - measureStart >= 0 && nanos - measureEnd < 0;
    }
}
