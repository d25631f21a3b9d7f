package dev.trellis.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a run measured.
 *
 * @param histogram         latencies (ns) of the successful requests scheduled inside the window
 * @param completedInWindow successful responses that arrived inside the window (throughput)
 * @param errors            failed requests over the whole run: non-2xx, reset, connection lost
 * @param failures          the failed requests by cause, e.g. "status 503", "connection lost"
 * @param timeouts          requests still unanswered after the drain timeout
 * @param reconnects        connections the peer closed and the generator opened again
 */
public record LoadResult(
        LoadSpec spec,
        Histogram histogram,
        long completedInWindow,
        long errors,
        Map<String, Long> failures,
        long timeouts,
        long reconnects,
        double windowSeconds,
        List<ProcessUsage> processes) {

    public LoadResult {
        processes = List.copyOf(processes);
        failures = Map.copyOf(failures);
    }

    public double achievedRate() {
        return completedInWindow / windowSeconds;
    }

    /** Recorded requests: the histogram's count. */
    public long requests() {
        return histogram.getTotalCount();
    }

    public double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    public double maxMillis() {
        return histogram.getMaxValue() / 1e6;
    }

    public double meanMillis() {
        return histogram.getMean() / 1e6;
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        String mode = spec.saturating()
                ? "closed loop, " + spec.depth() + " in flight per connection"
                : "open loop at " + spec.rate() + " req/s";
        text.append(String.format(Locale.ROOT, "target      http://%s:%d%s (%s, %d connections, %s, %d-byte bodies)%n",
                spec.host(), spec.port(), spec.path(), spec.protocol(), spec.connections(), mode, spec.bodyBytes()));
        text.append(String.format(Locale.ROOT, "window      %.1f s after %.1f s warm-up%n",
                windowSeconds, spec.warmup().toMillis() / 1000.0));
        text.append(String.format(Locale.ROOT,
                "achieved    %.1f req/s (%d latencies recorded), %d errors, %d timeouts, %d reconnects%n",
                achievedRate(), requests(), errors, timeouts, reconnects));
        new TreeMap<>(failures).forEach((cause, count) ->
                text.append(String.format(Locale.ROOT, "failed      %d × %s%n", count, cause)));
        text.append(String.format(Locale.ROOT,
                "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f%n",
                percentileMillis(50), percentileMillis(90), percentileMillis(99), percentileMillis(99.9),
                maxMillis(), meanMillis()));
        for (ProcessUsage process : processes) {
            text.append(String.format(Locale.ROOT, "process     %s (pid %d): cpu %.2f s, %.4f s per 1000 req, RSS %.1f MiB, peak RSS %.1f MiB%n",
                    process.name(), process.pid(), process.cpuSeconds(),
                    process.cpuSecondsPer1000(completedInWindow), process.rssKib() / 1024.0, process.peakRssKib() / 1024.0));
        }
        return text.toString();
    }
}
