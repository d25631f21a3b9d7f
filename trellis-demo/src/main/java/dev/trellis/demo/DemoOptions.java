package dev.trellis.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the demo mesh.
 *
 * @param duration how long to drive traffic before stopping; empty runs until interrupted
 * @param rps      requests per second sent at web
 * @param interval how often the traffic table is printed
 * @param launcher starts the sidecar and demo service JVMs
 * @param ansi     redraw the screen and colour the table (a terminal); plain lines otherwise
 * @param workDir  where the mesh config and logs go; empty picks a new temporary directory
 * @param standalone sidecars read one mesh file (no control plane, no canary)
 * @param canaryStep how long each step of the catalog-v2 canary lasts (with a control plane)
 */
public record DemoOptions(
        Optional<Duration> duration,
        int rps,
        Duration interval,
        JavaLauncher launcher,
        PrintStream out,
        PrintStream err,
        boolean ansi,
        Optional<Path> workDir,
        boolean standalone,
        Duration canaryStep) {

    public DemoOptions {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(canaryStep, "canaryStep");
        if (canaryStep.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("canaryStep: " + canaryStep + " (expected: >= 100ms)");
        }
        if (rps <= 0 || rps > 10_000) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: 1..10000)");
        }
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 100ms)");
        }
        duration.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration: " + d + " (expected: > 0)");
            }
        });
    }
}
