package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in a terminal signals the whole foreground process group. The demo must still stop in order: its
 * traffic first, then the processes it started, so not one request of the run fails on the way out.
 */
class DemoInterruptIT {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    @TempDir
    Path workDir;

    @Test
    void anInterruptToTheWholeProcessGroupStopsTrafficBeforeTheMesh() throws Exception {
        assumeThat(Files.isExecutable(SETSID)).as("setsid(1) to give the demo a process group of its own").isTrue();
        String jar = System.getProperty("trellis.jar");
        assertThat(jar).as("system property trellis.jar").isNotBlank();
        // the demo leads its own process group, as a shell's foreground job does
        Process demo = new ProcessBuilder(SETSID.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtrellis.jar=" + jar, "-jar", jar,
                "demo", "--rps", "50", "--interval", "2s", "--work-dir", workDir.toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = OutputLines.collect(demo, output);
        try {
            await("traffic through the mesh").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .failFast("the demo exited early:\n" + String.join("\n", output), () -> !demo.isAlive())
                    .until(() -> output.stream().map(DemoIT.LOAD::matcher).filter(Matcher::matches)
                            .anyMatch(m -> Long.parseLong(m.group(1)) >= 200));

            Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + demo.pid()).inheritIO().start();
            assertThat(kill.waitFor()).as("kill -INT to the process group").isZero();

            assertThat(demo.waitFor(1, TimeUnit.MINUTES)).as("demo stopped on SIGINT").isTrue();
            reader.join(5_000);
            String all = String.join("\n", output);
            assertThat(all).contains("totals over", "trellis demo: stopped 10 processes");
            Matcher last = output.stream().map(DemoIT.LOAD::matcher).filter(Matcher::matches)
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> new AssertionError("no load line in:\n" + all));
            assertThat(Long.parseLong(last.group(1))).as("sent").isGreaterThanOrEqualTo(200);
            assertThat(last.group(3)).as("requests failed while the demo stopped:\n%s", all).isEqualTo("0");
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }
}
