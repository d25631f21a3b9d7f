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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A real `trellis proxy` process whose identity comes from its environment (files or the CA). */
final class SecuritySidecar implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Process process;
    final int outbound;
    final int inbound;
    final int admin;
    final Path log;

    private SecuritySidecar(Process process, int outbound, int inbound, int admin, Path log) {
        this.process = process;
        this.outbound = outbound;
        this.inbound = inbound;
        this.admin = admin;
        this.log = log;
    }

    /** @param env TRELLIS_IDENTITY_DIR, or TRELLIS_CA_ADDRESS with TRELLIS_TOKEN, ... */
    static SecuritySidecar start(Path config, String service, int appPort, int inbound, Path dir, Map<String, String> env)
            throws Exception {
        int outbound = SidecarProcess.freePort();
        int admin = SidecarProcess.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SidecarProcess.SIDECAR_JVM);
        cmd.addAll(List.of("-jar", SidecarProcess.jar(), "proxy", "--config", config.toString(), "--service", service,
                "--app-port", Integer.toString(appPort), "--outbound-port", Integer.toString(outbound),
                "--inbound-port", Integer.toString(inbound), "--admin-port", Integer.toString(admin)));
        Path log = dir.resolve(service + "-proxy.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        SecuritySidecar s = new SecuritySidecar(pb.start(), outbound, inbound, admin, log);
        s.awaitReady();
        return s;
    }

    private void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("proxy exited: " + Files.readString(log));
            }
            return TrellisProcess.status("http://127.0.0.1:" + admin + "/ready") == 200;
        });
    }

    /** The value of one series of /metrics ("name" or "name{labels}"), 0 when absent. */
    double metric(String series) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
