package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real proxy process: 1 GiB bodies streamed with bounded memory, and a graceful drain on SIGTERM. */
class ProxyProcessIT {
    @TempDir
    Path dir;
    private HttpServer backend;

    @BeforeEach
    void startBackend() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.createContext("/", ex -> {
            long n = 0;
            try (InputStream in = ex.getRequestBody()) {
                byte[] buf = new byte[1 << 16];
                int k;
                while ((k = in.read(buf)) > 0) {
                    n += k;
                }
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/slow")) {
                sleep(1500);
            }
            if (path.equals("/bytes")) {
                long size = Long.parseLong(ex.getRequestURI().getQuery().substring(2));
                ex.sendResponseHeaders(200, size);
                try (OutputStream out = ex.getResponseBody()) {
                    byte[] chunk = new byte[1 << 16];
                    for (long left = size; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, left));
                    }
                }
                return;
            }
            byte[] body = ("received=" + n + "\n").getBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
    }

    @AfterEach
    void stopBackend() {
        backend.stop(0);
    }

    private Path meshConfig(int appPort) throws Exception {
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, String.join("\n",
                "apiVersion: trellis.dev/v1alpha1",
                "kind: Service",
                "metadata: {name: files}",
                "spec:",
                "  protocol: http",
                "  port: 8080",
                "  endpoints:",
                "    - {address: \"127.0.0.1:" + appPort + "\"}",
                ""));
        return config;
    }

    @Test
    void streamsOneGibibyteEachWayWithBoundedMemory() throws Exception {
        assumeTrue(new ProcessBuilder("which", "curl").start().waitFor() == 0, "curl is installed");
        try (SidecarProcess proxy = SidecarProcess.start(meshConfig(backend.getAddress().getPort()), "client", 0, dir)) {
            String url = "http://127.0.0.1:" + proxy.outbound;
            Process upload = new ProcessBuilder("bash", "-c",
                    "head -c 1073741824 /dev/zero | curl -sS -H 'Host: files' -T - " + url + "/upload").start();
            String uploaded = new String(upload.getInputStream().readAllBytes());
            assertThat(upload.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(uploaded).isEqualTo("received=1073741824\n");

            Process download = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{size_download}",
                    "-H", "Host: files", url + "/bytes?n=1073741824").start();
            String downloaded = new String(download.getInputStream().readAllBytes());
            assertThat(download.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(downloaded).isEqualTo("1073741824");

            // 2 GiB went through; the sidecar's resident memory stayed that of an idle JVM with a 48 MB heap
            assertThat(proxy.peakRssKib()).isLessThan(160 * 1024);
        }
    }

    @Test
    void sigtermDrainsInFlightRequestsThenExits() throws Exception {
        try (SidecarProcess proxy = SidecarProcess.start(meshConfig(backend.getAddress().getPort()), "client", 0, dir)) {
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound + "/slow")).header("Host", "files").build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300); // let the request reach the backend before the signal
            proxy.process.destroy(); // SIGTERM
            HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("received=0\n");
            assertThat(proxy.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(proxy.log)).contains("draining", "stopped");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
