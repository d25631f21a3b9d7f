package dev.trellis.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A process the demo started, its output going to a log file. */
final class ChildProcess {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Where the system has setsid(1), children start in a session of their own: a Ctrl-C in the terminal (or a
     * {@code timeout}) then signals the demo alone, and the demo stops its traffic before its processes instead
     * of every process dying at once under requests in flight. setsid execs in place, so the pid stays the child's.
     */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        List<String> detached = command;
        if (Files.isExecutable(SETSID)) {
            detached = new ArrayList<>(command.size() + 1);
            detached.add(SETSID.toString());
            detached.addAll(command);
        }
        ProcessBuilder builder = new ProcessBuilder(detached)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Files.writeString(log, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            return new ChildProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new DemoException("cannot start " + name + ": " + e.getMessage() + " (" + String.join(" ", command) + ")", e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Asks the process to stop (SIGTERM); after {@code grace} it, and anything it started, is killed. */
    void stop(Duration grace) {
        terminate();
        awaitExit(grace);
    }

    /** Asks the process to stop (SIGTERM), without waiting. */
    void terminate() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    /** Waits up to {@code timeout} for it to exit by itself. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Waits up to {@code grace} for it to exit, then kills it and its descendants. */
    boolean awaitExit(Duration grace) {
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            return process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of its log, to explain a failure. */
    String tail(int lines) {
        try {
            // decoded leniently: a crashing process may leave anything in its log
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
