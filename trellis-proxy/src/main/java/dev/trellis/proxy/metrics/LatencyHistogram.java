package dev.trellis.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram in milliseconds with Linkerd's response_latency_ms buckets; lock-free. */
public final class LatencyHistogram {
    static final long[] BOUNDS_MS = {1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500,
        1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000};

    private final LongAdder[] buckets = new LongAdder[BOUNDS_MS.length + 1];
    private final LongAdder sumMicros = new LongAdder();
    private final LongAdder count = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    public void recordNanos(long nanos) {
        long micros = nanos / 1000;
        int i = 0;
        // linear scan: 25 bounds, and most requests land in the first few
        while (i < BOUNDS_MS.length && micros > BOUNDS_MS[i] * 1000) {
            i++;
        }
        buckets[i].increment();
        sumMicros.add(micros);
        count.increment();
    }

    void write(StringBuilder out, String name, String labels) {
        long cumulative = 0;
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            cumulative += buckets[i].sum();
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(BOUNDS_MS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += buckets[BOUNDS_MS.length].sum();
        out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(sumMicros.sum() / 1000.0).append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append(count.sum()).append('\n');
    }
}
