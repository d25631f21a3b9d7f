package dev.trellis.demo;

import dev.trellis.demo.app.HttpClients;
import dev.trellis.demo.metrics.MetricsSnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to the sidecars' admin ports: readiness, metrics, shutdown. */
final class AdminClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient client = HttpClients.newClient(Duration.ofSeconds(1));

    static String url(int adminPort, String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    boolean isReady(int adminPort) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url(adminPort, "/ready"))).GET(), adminPort)
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    MetricsSnapshot metrics(int adminPort) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url(adminPort, "/metrics"))).GET(), adminPort);
        long now = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url(adminPort, "/metrics") + ": status " + response.statusCode());
        }
        try {
            return MetricsSnapshot.parse(response.body(), now);
        } catch (IllegalArgumentException e) {
            throw new IOException("GET " + url(adminPort, "/metrics") + ": " + e.getMessage(), e);
        }
    }

    /** Asks the sidecar to stop; whether it could still answer does not matter to the caller. */
    void shutdown(int adminPort) {
        try {
            send(HttpRequest.newBuilder(URI.create(url(adminPort, "/shutdown")))
                    .POST(HttpRequest.BodyPublishers.noBody()), adminPort);
        } catch (IOException e) {
            // already gone
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int adminPort) throws IOException {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted talking to admin port " + adminPort, e);
        }
    }
}
