package dev.trellis.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One contender in one scenario over every round that ran it. CPU time and requests add up, peak memory is
 * the highest seen. Percentiles come from the merged histogram, or, with {@value #MEDIAN_ROUNDS} rounds or
 * more, are the median of the rounds' own percentiles: a burst of outside noise that hit one round then
 * moves no figure, which a merged histogram's tail cannot promise on a shared machine.
 */
public final class ScenarioResult {
    static final int MEDIAN_ROUNDS = 3;

    private final String contender;
    private final String scenario;
    private final int targetRate;
    private final Histogram histogram = new Histogram(3);
    /** Each round's own histogram by round number (runs from unnumbered files count 1, 2, ... in reading order). */
    private final SortedMap<Integer, Histogram> roundHistograms = new TreeMap<>();
    private final Map<String, double[]> cpuSeconds = new LinkedHashMap<>();
    private final Map<String, Long> peakRssKib = new LinkedHashMap<>();
    private final Map<String, Long> rssKib = new LinkedHashMap<>();
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
        roundHistograms.merge(run.round() > 0 ? run.round() : rounds + 1, run.histogram(), (a, b) -> {
            Histogram merged = a.copy();
            merged.add(b);
            return merged;
        });
        windowSeconds += run.windowSeconds();
        completed += run.completed();
        errors += run.errors();
        timeouts += run.timeouts();
        rounds++;
        for (RunRecord.Process process : run.processes()) {
            cpuSeconds.computeIfAbsent(process.name(), name -> new double[1])[0] += process.cpuSeconds();
            peakRssKib.merge(process.name(), process.peakRssKib(), Math::max);
            rssKib.merge(process.name(), process.rssKib(), Math::max);
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
        if (rounds < MEDIAN_ROUNDS) {
            return histogram.getValueAtPercentile(percentile) / 1e6;
        }
        double[] values = roundHistograms.values().stream()
                .mapToDouble(h -> h.getValueAtPercentile(percentile) / 1e6).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** The numbers of the rounds this result has runs of, ascending. */
    public Set<Integer> roundNumbers() {
        return roundHistograms.keySet();
    }

    /** A percentile of one round alone; NaN when that round has no run of this contender. */
    public double roundPercentileMillis(int round, double percentile) {
        Histogram h = roundHistograms.get(round);
        return h == null ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }

    /** Whether {@link #percentileMillis} is a median over rounds rather than the merged histogram's. */
    public boolean medianOfRounds() {
        return rounds >= MEDIAN_ROUNDS;
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

    /** The highest resident set a process held at the end of this scenario's runs; 0 when not measured. */
    public long rssKib(String process) {
        return rssKib.getOrDefault(process, 0L);
    }
}
