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

/** Any `trellis` role as a real process from the shaded jar, its output in a log file. */
final class TrellisProcess implements AutoCloseable {
    static final List<String> CONTROL_PLANE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");
    /**
     * A sidecar in control plane mode: small heap, but gRPC and Envoy's protobuf classes need more
     * metaspace than a standalone proxy (about 50 MB measured).
     */
    static final List<String> SIDECAR_JVM = List.of("-Xms24m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=128m",
            "-Xss256k", "-XX:CICompilerCount=2");

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final Path log;

    private TrellisProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static TrellisProcess start(Path log, List<String> jvm, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-Dtrellis.jar=" + SidecarProcess.jar());
        cmd.addAll(List.of("-jar", SidecarProcess.jar()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new TrellisProcess(p, log);
    }

    /** `trellis control-plane` on the given ports. */
    static TrellisProcess controlPlane(Path configDir, int xdsPort, int apiPort, Path log) throws IOException {
        TrellisProcess cp = start(log, CONTROL_PLANE_JVM, List.of("control-plane", "--config-dir", configDir.toString(),
                "--xds-port", Integer.toString(xdsPort), "--api-port", Integer.toString(apiPort), "--poll-interval", "100ms"));
        cp.awaitOk("http://127.0.0.1:" + apiPort + "/ready");
        return cp;
    }

    /** Waits until GET url answers 200 (the process must stay alive). */
    void awaitOk(String url) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue() + ":\n" + log());
            }
            return status(url) == 200;
        });
    }

    /** The status of GET url, or -1 when nothing answers. */
    static int status(String url) throws InterruptedException {
        try {
            return PROBE.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
