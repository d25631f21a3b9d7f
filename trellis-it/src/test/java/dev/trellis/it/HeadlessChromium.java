package dev.trellis.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code chromium}; CI installs it): a page's DOM once its scripts have run, and
 * screenshots. Each run gets its own profile folder; pages get {@code virtualTime} of timers (polls included),
 * fast-forwarded while no request is pending.
 */
final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    private final Path executable;
    private final Path workDir;
    private int runs;

    private HeadlessChromium(Path executable, Path workDir) {
        this.executable = executable;
        this.workDir = workDir;
    }

    /**
     * The browser named by {@code -Dtrellis.chromium}, or the first of {@link #NAMES} on the PATH.
     *
     * @throws AssertionError when there is none, saying how to install it
     */
    static HeadlessChromium find(Path workDir) {
        return locate().map(path -> new HeadlessChromium(path, workDir)).orElseThrow(() -> new AssertionError(
                "Chromium not found: set -Dtrellis.chromium=/path/to/chromium or put one of " + NAMES + " on the PATH"
                        + " (Debian/Ubuntu: apt-get install chromium; .ci/run installs it)"));
    }

    private static Optional<Path> locate() {
        String configured = System.getProperty("trellis.chromium", "");
        if (!configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        return NAMES.stream()
                .flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The page's DOM, serialized, after {@code virtualTime} of its timers. */
    String dumpDom(String url, Duration virtualTime) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + virtualTime.toMillis(), "--dump-dom", url));
    }

    /** A PNG of the page's first {@code width x height} pixels after {@code virtualTime} of its timers. */
    void screenshot(String url, Path png, int width, int height, Duration virtualTime) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--virtual-time-budget=" + virtualTime.toMillis(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot at " + png);
        }
    }

    /** Runs the browser once; its standard output. */
    private String run(List<String> args) throws IOException, InterruptedException {
        int run = ++runs;
        Path out = workDir.resolve("chromium-" + run + ".out");
        Path err = workDir.resolve("chromium-" + run + ".err");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--user-data-dir=" + workDir.resolve("chromium-profile")));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within " + RUN_TIMEOUT.toSeconds() + "s: " + cmd
                    + "\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ": " + cmd + "\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
