package dev.trellis.proxy.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The process's own series, with the names every Prometheus client uses (process_start_time_seconds,
 * process_resident_memory_bytes, process_cpu_seconds_total), plus trellis_build_info. Read at scrape time:
 * resident memory from /proc/self/status (absent where there is no /proc).
 */
final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final String POM = "/META-INF/maven/dev.trellis/trellis-proxy/pom.properties";

    private ProcessMetrics() {}

    static void register(ProxyMetrics metrics) {
        double started = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;
        metrics.gauge("process_start_time_seconds", () -> started);
        metrics.family("process_resident_memory_bytes", out -> {
            long rss = residentBytes(STATUS);
            if (rss >= 0) {
                out.add("", rss);
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            metrics.gauge("process_cpu_seconds_total", () -> os.getProcessCpuTime() / 1e9);
        }
        metrics.gauge("trellis_build_info{version=\"" + ProxyMetrics.escape(version()) + "\",java_version=\""
                + ProxyMetrics.escape(System.getProperty("java.version", "")) + "\"}", () -> 1);
    }

    /** VmRSS of a /proc/PID/status file in bytes; -1 when unreadable. */
    static long residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String kib = line.substring("VmRSS:".length()).replace("kB", "").trim();
                    return Long.parseLong(kib) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here, or a format this does not know: no series
        }
        return -1;
    }

    /** The version the build recorded in the jar, else the manifest's, else "dev" (classes not from a jar). */
    static String version() {
        try (InputStream in = ProcessMetrics.class.getResourceAsStream(POM)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = ProcessMetrics.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
