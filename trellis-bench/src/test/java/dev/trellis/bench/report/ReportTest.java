package dev.trellis.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.bench.load.LoadResult;
import dev.trellis.bench.load.LoadSpec;
import dev.trellis.bench.load.ProcessUsage;
import dev.trellis.bench.load.ResultJson;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    @Test
    void mergesRoundsAndReportsLatencyAddedOverDirect() throws IOException {
        write("direct", "rate-1000", 1000, 100_000, List.of(), 1);
        write("direct", "rate-1000", 1000, 100_000, List.of(), 2);
        write("nginx", "rate-1000", 1000, 400_000, List.of(new ProcessUsage("A", 1, 0.5, 4096, 3072)), 1);
        write("nginx", "rate-1000", 1000, 400_000, List.of(new ProcessUsage("A", 1, 1.5, 8192, 5120)), 2);
        write("nginx", "saturation", 0, 400_000, List.of(new ProcessUsage("A", 1, 2.0, 2048, 9216)), 1);

        ResultSet results = ResultSet.read(dir);
        String md = new MarkdownReport(results, "Results", List.of("machine: test"), "chart.png").render();

        assertThat(results.scenarios()).containsExactly("rate-1000", "saturation");
        assertThat(results.contenders()).containsExactly("direct", "nginx");
        ScenarioResult nginx = results.result("rate-1000", "nginx").orElseThrow();
        assertThat(nginx.rounds()).isEqualTo(2);
        assertThat(nginx.requests()).isEqualTo(2000);
        // 2 CPU seconds over 2 rounds of 1,000 completed requests each.
        assertThat(nginx.cpuSecondsPer1000("A")).isEqualTo(1.0);
        assertThat(nginx.peakRssKib("A")).isEqualTo(8192);
        // the resident set while serving 1,000 req/s: the higher of the two rounds, not the saturation run's
        assertThat(nginx.rssKib("A")).isEqualTo(5120);
        assertThat(md)
                .contains("- machine: test")
                .contains("![latency and throughput per contender](chart.png)")
                .contains("## Latency at 1,000 req/s (rate-1000)")
                .contains("| nginx | 1,000 | 0.400 | 0.400 | 0.400 | 0.400 | 0.400 | +0.300 | +0.300 | +0.300 | +0.300 | 0 |")
                .contains(MarkdownReport.ENVOY_ROW)
                .contains("## Maximum throughput")
                .contains("| contender | process | CPU s / 1k req (rate-1000) | CPU s / 1k req (saturation) | RSS MiB at 1,000 req/s | peak RSS MiB |")
                .contains("| nginx | A | 1.0000 | 2.0000 | 5.0 | 8.0 |");
    }

    @Test
    void takesTheMedianOfRoundsFromThreeRoundsOn() throws IOException {
        write("nginx", "rate-1000", 1000, 300_000, List.of(), 1);
        write("nginx", "rate-1000", 1000, 200_000, List.of(), 2);
        // One round hit by outside noise: the merged histogram's p99 would be 90 ms.
        write("nginx", "rate-1000", 1000, 90_000_000, List.of(), 3);

        ScenarioResult nginx = ResultSet.read(dir).result("rate-1000", "nginx").orElseThrow();

        assertThat(nginx.medianOfRounds()).isTrue();
        assertThat(nginx.percentileMillis(99)).isCloseTo(0.3, org.assertj.core.api.Assertions.within(0.001));
        assertThat(nginx.maxMillis()).isCloseTo(90.0, org.assertj.core.api.Assertions.within(0.1));
        assertThat(nginx.requests()).isEqualTo(3000);
    }

    @Test
    void pairsEachRoundsAddedP99WithTheSameRoundsDirectRun() throws IOException {
        // round 2 was slow for everyone: only a pairing within the round keeps that out of the comparison
        long[] direct = {100_000, 600_000, 100_000};
        long[] trellis = {400_000, 800_000, 700_000};
        long[] nginx = {500_000, 700_000, 500_000};
        for (int round = 1; round <= 3; round++) {
            writeRun("rate-1000-direct-r" + round, "direct", direct[round - 1]);
            writeRun("rate-1000-trellis-r" + round, "trellis", trellis[round - 1]);
            writeRun("rate-1000-nginx-r" + round, "nginx", nginx[round - 1]);
        }

        ResultSet results = ResultSet.read(dir);
        String md = new MarkdownReport(results, "Results", List.of(), null).render();

        assertThat(results.result("rate-1000", "trellis").orElseThrow().roundNumbers()).containsExactly(1, 2, 3);
        assertThat(md)
                .contains("Added p99 in each round (ms; each against the direct run of the same round), and the rounds"
                        + " where it was at or below nginx's:")
                .contains("| contender | r1 | r2 | r3 | ≤ nginx |")
                .contains("| trellis | +0.300 | +0.200 | +0.600 | 1 of 3 |")
                .contains("| nginx | +0.400 | +0.100 | +0.400 | — |");
    }

    @Test
    void leavesOutTheRoundByRoundTableForASingleRound() throws IOException {
        writeRun("rate-1000-direct-r1", "direct", 100_000);
        writeRun("rate-1000-trellis-r1", "trellis", 400_000);

        String md = new MarkdownReport(ResultSet.read(dir), "Results", List.of(), null).render();

        assertThat(md).contains("| trellis | 1,000 |").doesNotContain("Added p99 in each round");
    }

    @Test
    void drawsOnePanelPerFixedRateAndOneForThroughput() throws IOException {
        write("direct", "rate-1000", 1000, 100_000, List.of(), 1);
        write("direct", "rate-5000", 5000, 150_000, List.of(), 1);
        write("direct", "saturation", 0, 300_000, List.of(), 1);

        BufferedImage image = new ChartRenderer(ResultSet.read(dir), "test").render();

        assertThat(image.getWidth()).isEqualTo(3 * 460);
        assertThat(image.getHeight()).isEqualTo(520);
        assertThat(image.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    private void writeRun(String name, String contender, long latencyNanos) throws IOException {
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        histogram.recordValueWithCount(latencyNanos, 1000);
        LoadResult result = new LoadResult(LoadSpec.of("127.0.0.1", 8080, 1000), histogram, 1000, 0, Map.of(), 0, 0, 1.0,
                List.of());
        Files.writeString(dir.resolve(name + ".json"), ResultJson.toString(ResultJson.of(result, contender, "rate-1000")));
    }

    private void write(String contender, String scenario, int rate, long latencyNanos,
                       List<ProcessUsage> processes, int round) throws IOException {
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        histogram.recordValueWithCount(latencyNanos, 1000);
        LoadSpec spec = LoadSpec.of("127.0.0.1", 8080, rate);
        LoadResult result = new LoadResult(spec, histogram, 1000, 0, Map.of(), 0, 0, 1.0, processes);
        Files.writeString(dir.resolve(contender + "-" + scenario + "-" + round + ".json"),
                ResultJson.toString(ResultJson.of(result, contender, scenario)));
    }
}
