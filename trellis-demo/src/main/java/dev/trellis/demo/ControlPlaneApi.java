package dev.trellis.demo;

import dev.trellis.demo.app.HttpClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The control plane's REST API, as {@code trellis apply} uses it: readiness and applying resources. */
final class ControlPlaneApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final HttpClient client = HttpClients.newClient(Duration.ofSeconds(2));

    ControlPlaneApi(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    boolean isReady() {
        try {
            return send(HttpRequest.newBuilder(URI.create(url() + "/ready")).GET()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates or replaces the resources of {@code yaml}; the control plane validates them before writing. */
    void apply(String yaml) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/resources"))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)));
        if (response.statusCode() != 200) {
            throw new IOException("POST " + url() + "/api/v1/resources: status " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted talking to the control plane at " + url(), e);
        }
    }
}
