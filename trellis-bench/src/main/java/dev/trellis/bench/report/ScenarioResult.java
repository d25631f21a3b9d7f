package dev.trellis.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One contender in one scenario, merged over every round that ran it: histograms add up exactly, CPU time
 * and requests add up, peak memory is the highest seen.
 */
public final class ScenarioResult {
    private final String contender;
    private final String scenario;
    private final int targetRate;
    private final Histogram histogram = new Histogram(3);
    private final Map<String, double[]> cpuSeconds = new LinkedHashMap<>();
    private final Map<String, Long> peakRssKib = new LinkedHashMap<>();
    private double windowSeconds;
    private long completed;
    private long errors;
    private long timeouts;
    private int rounds;

    ScenarioResult(String contender, String scenario, int targetRate) {
        this.contender = contender;
        this.scenario = scenario;
        this.targetRate = targetRate;
    }

    void add(RunRecord run) {
        histogram.add(run.histogram());
        windowSeconds += run.windowSeconds();
        completed += run.completed();
        errors += run.errors();
        timeouts += run.timeouts();
        rounds++;
        for (RunRecord.Process process : run.processes()) {
            cpuSeconds.computeIfAbsent(process.name(), name -> new double[1])[0] += process.cpuSeconds();
            peakRssKib.merge(process.name(), process.peakRssKib(), Math::max);
        }
    }

    public String contender() {
        return contender;
    }

    public String scenario() {
        return scenario;
    }

    public int targetRate() {
        return targetRate;
    }

    public int rounds() {
        return rounds;
    }

    public double achievedRate() {
        return windowSeconds == 0 ? 0 : completed / windowSeconds;
    }

    public long requests() {
        return histogram.getTotalCount();
    }

    public long errors() {
        return errors;
    }

    public long timeouts() {
        return timeouts;
    }

    public double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    public double maxMillis() {
        return histogram.getMaxValue() / 1e6;
    }

    /** Watched process names, in the order the runs listed them. */
    public Iterable<String> processes() {
        return cpuSeconds.keySet();
    }

    public double cpuSecondsPer1000(String process) {
        double[] cpu = cpuSeconds.get(process);
        return cpu == null || completed == 0 ? Double.NaN : cpu[0] * 1000.0 / completed;
    }

    public long peakRssKib(String process) {
        return peakRssKib.getOrDefault(process, 0L);
    }
}
