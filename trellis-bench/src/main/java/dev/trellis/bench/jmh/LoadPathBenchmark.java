package dev.trellis.bench.jmh;

import dev.trellis.bench.load.LongQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The load generator's own per-request bookkeeping: recording one latency and queueing one due send time.
 * It must stay far below the proxy costs it measures (tens of microseconds), or it would skew them.
 * Also shows why each connection records into its own plain {@link Histogram} rather than a shared,
 * thread-safe {@link Recorder}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadPathBenchmark {
    /** Latencies spread like a loopback proxy run: mostly 50 µs to 2 ms, a few up to 50 ms. */
    private static final int SAMPLES = 4096;

    private final long[] latencies = new long[SAMPLES];
    private Histogram histogram;
    private Recorder recorder;
    private LongQueue queue;
    private int next;

    @Setup
    public void setUp() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < SAMPLES; i++) {
            long base = 50_000 + random.nextLong(2_000_000);
            latencies[i] = random.nextInt(1000) == 0 ? base * 25 : base;
        }
        histogram = new Histogram(60_000_000_000L, 3);
        recorder = new Recorder(60_000_000_000L, 3);
        queue = new LongQueue(64);
    }

    private long nextLatency() {
        next = (next + 1) & (SAMPLES - 1);
        return latencies[next];
    }

    @Benchmark
    public void recordIntoPlainHistogram() {
        histogram.recordValue(nextLatency());
    }

    @Benchmark
    public void recordIntoThreadSafeRecorder() {
        recorder.recordValue(nextLatency());
    }

    @Benchmark
    public long queueDueSendTime() {
        queue.add(nextLatency());
        return queue.poll();
    }

    @Benchmark
    public long readClock() {
        return System.nanoTime();
    }
}
