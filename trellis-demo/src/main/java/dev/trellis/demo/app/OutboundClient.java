package dev.trellis.demo.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Calls mesh services over HTTP/1.1 through the local sidecar's outbound port (explicit mode): the request goes
 * to the sidecar and its Host header names the destination service.
 */
public final class OutboundClient {
    private final HttpClient client;
    private final String outbound;
    private final Duration timeout;

    /** @param outbound the sidecar's outbound address, "host:port" */
    public OutboundClient(String outbound, Duration timeout) {
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClients.newClient(Duration.ofSeconds(2));
        HttpClients.checkHostHeaderAllowed();
    }

    public CompletableFuture<HttpResponse<String>> get(String service, String path, TraceHeaders trace) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + outbound + path))
                .timeout(timeout)
                .header("Host", service)
                .header("Accept", "application/json")
                .GET();
        trace.applyTo(request);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public String outbound() {
        return outbound;
    }
}
