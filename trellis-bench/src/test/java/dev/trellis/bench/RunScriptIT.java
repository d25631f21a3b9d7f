package dev.trellis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/run.sh --quick end to end: nginx backend, the direct baseline, report and chart. */
class RunScriptIT {
    @TempDir
    Path out;

    @Test
    void quickRunWritesResultsAndChart() throws Exception {
        Path log = out.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("bench.script"), "--quick")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("BENCH_JAR", System.getProperty("bench.jar"));
        builder.environment().put("BENCH_OUT", out.resolve("results").toString());
        Process process = builder.start();
        boolean exited = process.waitFor(5, TimeUnit.MINUTES);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }

        assertThat(exited).as("run.sh finished; log:%n%s", Files.readString(log)).isTrue();
        assertThat(process.exitValue()).as("exit code; log:%n%s", Files.readString(log)).isZero();
        Path results = out.resolve("results");
        assertThat(Files.readString(results.resolve("results.md")))
                .contains("## Latency at 1,000 req/s")
                .contains("| direct | ")
                .contains("## Maximum throughput");
        assertThat(Files.readAllBytes(results.resolve("chart.png"))).startsWith(0x89, 'P', 'N', 'G');
        JsonNode run = new ObjectMapper().readTree(results.resolve("runs/rate-1000-direct-r1.json").toFile());
        assertThat(run.path("errors").asLong()).isZero();
        assertThat(run.path("requests").asLong()).isBetween(1_800L, 2_200L);
    }
}
