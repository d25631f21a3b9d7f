package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes under steady load: one of three instances is killed and callers barely notice. */
class ResilienceIT {
    @TempDir
    Path dir;
    private final List<Process> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(Process::destroyForcibly);
    }

    private int startCatalog(String version) throws Exception {
        int port = SidecarProcess.freePort();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-jar", SidecarProcess.jar(), "demo-app", "--app", "catalog", "--port", Integer.toString(port),
                "--app-version", version).redirectErrorStream(true).redirectOutput(dir.resolve("catalog-" + version + ".log").toFile()).start();
        apps.add(p);
        HttpClient probe = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> probe.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return port;
    }

    @Test
    void killingOneOfThreeInstancesUnderLoadKeepsSuccessAbove999() throws Exception {
        int a = startCatalog("a");
        int b = startCatalog("b");
        int c = startCatalog("c");
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, String.join("\n",
                "apiVersion: trellis.dev/v1alpha1",
                "kind: Service",
                "metadata: {name: catalog}",
                "spec:",
                "  protocol: http",
                "  port: 8080",
                "  endpoints:",
                "    - {address: \"127.0.0.1:" + a + "\"}",
                "    - {address: \"127.0.0.1:" + b + "\"}",
                "    - {address: \"127.0.0.1:" + c + "\"}",
                ""));
        try (SidecarProcess proxy = SidecarProcess.start(config, "web", 0, dir)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound + "/items"))
                    .header("Host", "catalog").timeout(Duration.ofSeconds(10)).build();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<String> causes = new ArrayList<>();
            List<CompletableFuture<?>> all = new ArrayList<>();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            int rate = 200;
            int total = rate * 8;
            AtomicInteger sent = new AtomicInteger();
            ticker.scheduleAtFixedRate(() -> {
                if (sent.getAndIncrement() >= total) {
                    return;
                }
                synchronized (all) {
                    all.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        if (e == null && r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            synchronized (causes) {
                                causes.add(e != null ? e.toString() : r.statusCode() + " " + r.headers().firstValue("trellis-error").orElse(""));
                            }
                        }
                    }));
                }
            }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= total / 3);
            apps.get(1).destroyForcibly(); // SIGKILL one instance mid-load
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= total);
            ticker.shutdown();
            CompletableFuture<?>[] futures;
            synchronized (all) {
                futures = all.toArray(CompletableFuture[]::new);
            }
            CompletableFuture.allOf(futures).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
            int done = ok.get() + failed.get();
            assertThat(done).isGreaterThanOrEqualTo(total);
            assertThat(ok.get() * 1000L).as("successes of " + done + " (failed: " + failed.get() + ": " + causes + ")")
                    .isGreaterThanOrEqualTo(999L * done);
        }
    }
}
