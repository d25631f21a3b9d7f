package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The control plane's {@code GET /api/v1/tap}: a service's live requests, one JSON event per line. */
final class TapStream {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String address;
    private final Map<String, String> query = new LinkedHashMap<>();

    TapStream(ControlPlaneApi api, String service) {
        this.address = api.address;
        query.put("service", service);
    }

    /** Adds a filter the proxies apply (max, seconds, direction, method, path_prefix, authority); null is none. */
    TapStream filter(String name, Object value) {
        if (value != null) {
            query.put(name, String.valueOf(value));
        }
        return this;
    }

    /**
     * Calls {@code onEvent} with each event (its raw line and parsed JSON) until the stream ends.
     *
     * @throws IOException when the control plane cannot be reached or refuses the tap (its error message)
     */
    void read(EventConsumer onEvent) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=').append(ControlPlaneApi.encode(v)));
        HttpResponse<InputStream> r;
        try {
            r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + "/api/v1/tap" + q)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new IOException("cannot reach the control plane API at " + address + " (is `trellis control-plane` running? see --control-plane-api)", e);
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                String body = lines.lines().reduce("", (a, b) -> a + b);
                String message;
                try {
                    message = ControlPlaneApi.JSON.readTree(body).path("error").asText(body);
                } catch (IOException e) {
                    message = body;
                }
                throw new IOException("tap: " + (message.isBlank() ? "HTTP " + r.statusCode() : message.strip()));
            }
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event;
                try {
                    event = ControlPlaneApi.JSON.readTree(line);
                } catch (IOException e) {
                    continue;
                }
                if (!onEvent.accept(line, event)) {
                    return;
                }
            }
        }
    }

    /** Receives events; returns false to stop reading. */
    interface EventConsumer {
        boolean accept(String line, JsonNode event);
    }

    static EventConsumer all(Consumer<JsonNode> c) {
        return (line, event) -> {
            c.accept(event);
            return true;
        };
    }
}
