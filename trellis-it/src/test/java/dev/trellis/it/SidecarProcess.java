package dev.trellis.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real `trellis proxy` process started from the shaded jar, with the sidecar's JVM flags from bin/trellis except
 * the heap, held to 48 MB so that a streaming test shows bodies are not buffered.
 */
final class SidecarProcess implements AutoCloseable {
    static final List<String> SIDECAR_JVM = List.of("-Xms24m", "-Xmx48m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=32m",
            "-Xss256k", "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=96m", "-XX:CICompilerCount=2",
            "-Dio.netty.jfr.enabled=false");

    final Process process;
    final int outbound;
    final int inbound;
    final int admin;
    final Path log;

    private SidecarProcess(Process process, int outbound, int inbound, int admin, Path log) {
        this.process = process;
        this.outbound = outbound;
        this.inbound = inbound;
        this.admin = admin;
        this.log = log;
    }

    static String jar() {
        String jar = System.getProperty("trellis.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("trellis.jar not built: " + jar);
        }
        return jar;
    }

    static SidecarProcess start(Path config, String service, int appPort, Path dir, String... extra) throws Exception {
        int outbound = freePort();
        int inbound = freePort();
        int admin = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SIDECAR_JVM);
        cmd.addAll(List.of("-jar", jar(), "proxy", "--config", config.toString(), "--service", service,
                "--app-port", Integer.toString(appPort), "--outbound-port", Integer.toString(outbound),
                "--inbound-port", Integer.toString(inbound), "--admin-port", Integer.toString(admin)));
        cmd.addAll(List.of(extra));
        Path log = dir.resolve(service + "-proxy.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SidecarProcess s = new SidecarProcess(p, outbound, inbound, admin, log);
        s.awaitReady();
        return s;
    }

    void awaitReady() {
        HttpClient client = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("proxy exited: " + Files.readString(log));
            }
            try {
                return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Peak resident memory of the process in KiB (VmHWM). */
    long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static int freePort() throws IOException {
        return dev.trellis.demo.LoopbackPorts.next();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
