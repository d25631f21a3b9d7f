package dev.trellis.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CPU time and peak memory of other processes from /proc, so that a proxy's cost is taken over
 * exactly the generator's measurement window.
 */
public final class ProcessWatch {
    private final Map<String, Long> pids;
    private final int clockTicksPerSecond;
    private final Map<String, Long> ticksAtBegin = new LinkedHashMap<>();

    /**
     * @param pids                process name (as it should appear in results) to pid
     * @param clockTicksPerSecond {@code getconf CLK_TCK}, the unit of utime and stime in /proc/PID/stat
     */
    public ProcessWatch(Map<String, Long> pids, int clockTicksPerSecond) {
        if (clockTicksPerSecond <= 0) {
            throw new IllegalArgumentException("clockTicksPerSecond: " + clockTicksPerSecond + " (expected: > 0)");
        }
        this.pids = new LinkedHashMap<>(pids);
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    public static ProcessWatch none() {
        return new ProcessWatch(Map.of(), 100);
    }

    public void begin() {
        pids.forEach((name, pid) -> ticksAtBegin.put(name, cpuTicks(pid)));
    }

    public List<ProcessUsage> end() {
        List<ProcessUsage> usage = new ArrayList<>();
        pids.forEach((name, pid) -> {
            long ticks = cpuTicks(pid) - ticksAtBegin.getOrDefault(name, 0L);
            usage.add(new ProcessUsage(name, pid, (double) ticks / clockTicksPerSecond, peakRssKib(pid), rssKib(pid)));
        });
        return usage;
    }

    /** utime + stime of the whole process (all threads), in clock ticks. */
    static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static long peakRssKib(long pid) {
        return statusKib(pid, "VmHWM:");
    }

    static long rssKib(long pid) {
        return statusKib(pid, "VmRSS:");
    }

    private static long statusKib(long pid, String field) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
            }
        }
        return 0;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " (has the process exited?)", e);
        }
    }
}
