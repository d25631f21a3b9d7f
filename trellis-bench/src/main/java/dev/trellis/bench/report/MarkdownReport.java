package dev.trellis.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The results as Markdown tables: latency and latency added over the direct baseline per fixed rate,
 * maximum throughput, and each proxy's CPU per 1,000 requests and peak memory.
 */
public final class MarkdownReport {
    /** Istio 1.24's published sidecar figures (two Envoys, 1,000 req/s, 1 KB, 16 connections, mTLS on). */
    static final String ENVOY_ROW =
            "| envoy ×2 (Istio 1.24, published) | — | — | — | — | — | — | — | +0.228 | +0.298 | — | — |";

    /** The proxy every other is paired with, round by round, in the tail-latency tables. */
    static final String REFERENCE = "nginx";

    private final ResultSet results;
    private final String title;
    private final List<String> notes;
    private final String chart;

    /** @param chart an image to show under the notes (a path relative to the Markdown file), or null */
    public MarkdownReport(ResultSet results, String title, List<String> notes, String chart) {
        this.results = results;
        this.title = title;
        this.notes = List.copyOf(notes);
        this.chart = chart;
    }

    public String render() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        for (String note : notes) {
            md.append("- ").append(note).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n');
        }
        if (chart != null) {
            md.append("![latency and throughput per contender](").append(chart).append(")\n\n");
        }
        for (String scenario : results.scenarios()) {
            if (results.isFixedRate(scenario)) {
                latencyTable(md, scenario);
            }
        }
        if (results.scenarios().contains(ResultSet.SATURATION)) {
            saturationTable(md);
        }
        resourceTable(md);
        boolean median = results.scenarios().stream().flatMap(s -> results.results(s).stream())
                .anyMatch(ScenarioResult::medianOfRounds);
        md.append("Latencies are milliseconds, measured from each request's scheduled send time (open loop, free of "
                + "coordinated omission)")
                .append(median ? "; each percentile is the median of the rounds' percentiles, max the highest seen" : "")
                .append("; \"+\" columns are the latency added over the direct baseline at the same "
                + "percentile. CPU is user + system time of the proxy process over the measured window divided by "
                + "the requests completed in it; RSS at 1,000 req/s is the process's VmRSS at the end of that scenario's measured windows (the highest over rounds), peak RSS its VmHWM. Methodology: docs/benchmarks.md.\n");
        return md.toString();
    }

    private void latencyTable(StringBuilder md, String scenario) {
        List<ScenarioResult> rows = results.results(scenario);
        int rate = rows.get(0).targetRate();
        md.append(String.format(Locale.ROOT, "## Latency at %,d req/s (%s)%n%n", rate, scenario));
        md.append("| contender | req/s | p50 | p90 | p99 | p99.9 | max | +p50 | +p90 | +p99 | +p99.9 | errors |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<ScenarioResult> baseline = results.result(scenario, ResultSet.BASELINE);
        for (ScenarioResult row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s |%n",
                    row.contender(), row.achievedRate(),
                    row.percentileMillis(50), row.percentileMillis(90), row.percentileMillis(99),
                    row.percentileMillis(99.9), row.maxMillis(),
                    added(row, baseline, 50), added(row, baseline, 90), added(row, baseline, 99),
                    added(row, baseline, 99.9), failures(row)));
        }
        if (rate == 1000) {
            md.append(ENVOY_ROW).append('\n');
        }
        md.append('\n');
        baseline.ifPresent(direct -> roundByRoundTable(md, rows, direct));
    }

    /**
     * The added p99 of every round on its own, each against the direct run of the same round: contenders run
     * round-robin, so a round's figures share the machine's state, and the pairs show whether one proxy's tail stays
     * below another's or the two trade places from round to round.
     */
    private void roundByRoundTable(StringBuilder md, List<ScenarioResult> rows, ScenarioResult direct) {
        List<Integer> rounds = List.copyOf(direct.roundNumbers());
        if (rounds.size() < 2) {
            return;
        }
        Optional<ScenarioResult> reference = rows.stream().filter(r -> r.contender().equals(REFERENCE)).findFirst();
        md.append("Added p99 in each round (ms; each against the direct run of the same round)")
                .append(reference.isPresent() ? ", and the rounds where it was at or below " + REFERENCE + "'s" : "")
                .append(":\n\n| contender |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int round : rounds) {
            md.append(" r").append(round).append(" |");
            rule.append("---:|");
        }
        if (reference.isPresent()) {
            md.append(" ≤ ").append(REFERENCE).append(" |");
            rule.append("---:|");
        }
        md.append('\n').append(rule).append('\n');
        for (ScenarioResult row : rows) {
            if (row == direct) {
                continue;
            }
            md.append("| ").append(row.contender()).append(" |");
            int atOrBelow = 0;
            int paired = 0;
            for (int round : rounds) {
                double added = addedInRound(row, direct, round);
                md.append(Double.isNaN(added) ? " — |" : String.format(Locale.ROOT, " %+.3f |", added));
                double ref = reference.map(r -> addedInRound(r, direct, round)).orElse(Double.NaN);
                if (!Double.isNaN(added) && !Double.isNaN(ref)) {
                    paired++;
                    atOrBelow += added <= ref ? 1 : 0;
                }
            }
            if (reference.isPresent()) {
                md.append(row == reference.get() || paired == 0 ? " — |" : " " + atOrBelow + " of " + paired + " |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static double addedInRound(ScenarioResult row, ScenarioResult direct, int round) {
        return row.roundPercentileMillis(round, 99) - direct.roundPercentileMillis(round, 99);
    }

    private void saturationTable(StringBuilder md) {
        md.append("## Maximum throughput (closed loop, saturation)\n\n");
        md.append("| contender | req/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|\n");
        for (ScenarioResult row : results.results(ResultSet.SATURATION)) {
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f | %.3f | %s |%n", row.contender(),
                    row.achievedRate(), row.percentileMillis(50), row.percentileMillis(99), failures(row)));
        }
        md.append('\n');
    }

    private void resourceTable(StringBuilder md) {
        List<String> scenarios = results.scenarios();
        StringBuilder header = new StringBuilder("| contender | process |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String scenario : scenarios) {
            header.append(" CPU s / 1k req (").append(scenario).append(") |");
            rule.append("---:|");
        }
        Optional<String> atThousand = scenarios.stream()
                .filter(s -> results.results(s).stream().anyMatch(r -> r.targetRate() == 1000)).findFirst();
        atThousand.ifPresent(s -> {
            header.append(" RSS MiB at 1,000 req/s |");
            rule.append("---:|");
        });
        header.append(" peak RSS MiB |\n");
        rule.append("---:|\n");
        StringBuilder rows = new StringBuilder();
        for (String contender : results.contenders()) {
            for (String process : processes(contender)) {
                rows.append("| ").append(contender).append(" | ").append(process).append(" |");
                long peak = 0;
                for (String scenario : scenarios) {
                    Optional<ScenarioResult> result = results.result(scenario, contender);
                    double cpu = result.map(r -> r.cpuSecondsPer1000(process)).orElse(Double.NaN);
                    rows.append(Double.isNaN(cpu) ? " — |" : String.format(Locale.ROOT, " %.4f |", cpu));
                    peak = Math.max(peak, result.map(r -> r.peakRssKib(process)).orElse(0L));
                }
                if (atThousand.isPresent()) {
                    long rss = results.result(atThousand.get(), contender).map(r -> r.rssKib(process)).orElse(0L);
                    rows.append(rss == 0 ? " — |" : String.format(Locale.ROOT, " %.1f |", rss / 1024.0));
                }
                rows.append(String.format(Locale.ROOT, " %.1f |%n", peak / 1024.0));
            }
        }
        if (rows.length() == 0) {
            return;
        }
        md.append("## Proxy cost\n\n").append(header).append(rule).append(rows);
        md.append("| envoy (Istio 1.24, published) | per sidecar, 2 workers |");
        for (String scenario : scenarios) {
            md.append(results.results(scenario).stream().anyMatch(r -> r.targetRate() == 1000) ? " ≈0.20 |" : " — |");
        }
        md.append(atThousand.isPresent() ? " ≈57 (60 MB) | — |\n\n" : " ≈57 (60 MB) |\n\n");
    }

    private List<String> processes(String contender) {
        return results.scenarios().stream()
                .flatMap(s -> results.result(s, contender).stream())
                .flatMap(r -> java.util.stream.StreamSupport.stream(r.processes().spliterator(), false))
                .distinct()
                .collect(java.util.stream.Collectors.toList());
    }

    private static String added(ScenarioResult row, Optional<ScenarioResult> baseline, double percentile) {
        if (baseline.isEmpty() || row.contender().equals(ResultSet.BASELINE)) {
            return "—";
        }
        double delta = row.percentileMillis(percentile) - baseline.get().percentileMillis(percentile);
        return String.format(Locale.ROOT, "%+.3f", delta);
    }

    private static String failures(ScenarioResult row) {
        return row.timeouts() == 0 ? Long.toString(row.errors())
                : row.errors() + " (+" + row.timeouts() + " timeouts)";
    }
}
