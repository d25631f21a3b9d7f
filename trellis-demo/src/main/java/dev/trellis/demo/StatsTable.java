package dev.trellis.demo;

import dev.trellis.demo.metrics.TrafficStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders traffic rows as a fixed-width table: requests per second, success rate, p50 and p99 latency and the
 * number of responses. With {@code ansi}, the success rate is coloured (green at 100%, red below 95%).
 */
final class StatsTable {
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final boolean ansi;

    StatsTable(boolean ansi) {
        this.ansi = ansi;
    }

    List<String> render(String firstColumn, List<MeshStats.Row> rows) {
        int width = firstColumn.length();
        for (MeshStats.Row row : rows) {
            width = Math.max(width, row.name().length());
        }
        List<String> lines = new ArrayList<>();
        String header = String.format(Locale.ROOT, "%-" + width + "s %8s %9s %8s %8s %10s",
                firstColumn, "RPS", "SUCCESS", "P50_MS", "P99_MS", "RESPONSES");
        lines.add(ansi ? BOLD + header + RESET : header);
        for (MeshStats.Row row : rows) {
            String name = String.format(Locale.ROOT, "%-" + width + "s", row.name());
            lines.add(row.stats().map(stats -> name + " " + columns(stats)).orElse(name + " (metrics unavailable)"));
        }
        return lines;
    }

    private String columns(TrafficStats stats) {
        String success = String.format(Locale.ROOT, "%9s", percent(stats.successRate()));
        if (ansi && !Double.isNaN(stats.successRate())) {
            String colour = stats.successRate() >= 1.0 ? GREEN : stats.successRate() >= 0.95 ? YELLOW : RED;
            success = colour + success + RESET;
        }
        return String.format(Locale.ROOT, "%8.1f %s %8s %8s %10d",
                stats.requestsPerSecond(), success, millis(stats.p50()), millis(stats.p99()),
                Math.round(stats.responses()));
    }

    static String percent(double rate) {
        // rounded down: 100.00% only when nothing failed
        return Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.2f%%", Math.floor(rate * 10_000) / 100);
    }

    static String millis(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f" : "%.0f", value);
    }
}
