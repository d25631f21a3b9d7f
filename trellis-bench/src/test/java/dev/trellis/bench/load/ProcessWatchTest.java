package dev.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessWatchTest {

    @Test
    void measuresCpuSpentBetweenBeginAndEnd() {
        long pid = ProcessHandle.current().pid();
        ProcessWatch watch = new ProcessWatch(Map.of("self", pid), 100);
        watch.begin();
        burnCpu(200_000_000L);

        List<ProcessUsage> usage = watch.end();

        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).name()).isEqualTo("self");
        assertThat(usage.get(0).pid()).isEqualTo(pid);
        assertThat(usage.get(0).cpuSeconds()).isBetween(0.15, 60.0);
        assertThat(usage.get(0).peakRssKib()).isGreaterThan(1024);
        assertThat(usage.get(0).cpuSecondsPer1000(2000)).isEqualTo(usage.get(0).cpuSeconds() / 2);
    }

    /** Spins until this thread has used that much CPU, however busy the machine is. */
    private static long burnCpu(long cpuNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + cpuNanos;
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        return sink;
    }
}
