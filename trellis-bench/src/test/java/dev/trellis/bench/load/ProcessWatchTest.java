package dev.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessWatchTest {

    @Test
    void measuresCpuSpentBetweenBeginAndEnd() {
        long pid = ProcessHandle.current().pid();
        ProcessWatch watch = new ProcessWatch(Map.of("self", pid), 100);
        watch.begin();
        burnCpu(300_000_000L);

        List<ProcessUsage> usage = watch.end();

        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).name()).isEqualTo("self");
        assertThat(usage.get(0).pid()).isEqualTo(pid);
        assertThat(usage.get(0).cpuSeconds()).isBetween(0.1, 60.0);
        assertThat(usage.get(0).peakRssKib()).isGreaterThan(1024);
        assertThat(usage.get(0).cpuSecondsPer1000(2000)).isEqualTo(usage.get(0).cpuSeconds() / 2);
    }

    private static long burnCpu(long nanos) {
        long end = System.nanoTime() + nanos;
        long sink = 0;
        while (System.nanoTime() < end) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        return sink;
    }
}
