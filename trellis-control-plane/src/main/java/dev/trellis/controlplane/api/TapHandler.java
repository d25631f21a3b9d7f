package dev.trellis.controlplane.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.controlplane.telemetry.ProxyTarget;
import dev.trellis.controlplane.xds.ProxyStreams;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GET /api/v1/tap?service=NAME[&amp;max=N][&amp;seconds=S][&amp;direction=..][&amp;method=..][&amp;path_prefix=..][&amp;authority=..]:
 * opens the admin {@code GET /tap} of every proxy of the service, with the same filters, and relays their
 * NDJSON events merged as they come (chunked), each with "proxy": its node id. The handler's thread
 * returns once the proxies answered; the relay itself runs on the HTTP client's threads.
 */
final class TapHandler implements HttpHandler {
    static final String PATH = "/api/v1/tap";
    static final int DEFAULT_SECONDS = 30;
    static final int MAX_SECONDS = 600;
    private static final List<String> FILTERS = List.of("direction", "method", "path_prefix", "authority");
    private static final Duration CONNECT = Duration.ofSeconds(5);

    private final ProxyStreams streams;
    private final HttpClient http;

    TapHandler(ProxyStreams streams, HttpClient http) {
        this.streams = streams;
        this.http = http;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        boolean relaying = false;
        try {
            relaying = tap(ex);
        } finally {
            if (!relaying) {
                ex.close();
            }
        }
    }

    /** True when the exchange now belongs to a running relay. */
    private boolean tap(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            Exchanges.json(ex, 405, Json.error("method " + ex.getRequestMethod() + " (expected: GET)"));
            return false;
        }
        Map<String, String> q = Exchanges.query(ex);
        String service = q.getOrDefault("service", "");
        int seconds;
        long max;
        try {
            if (service.isEmpty()) {
                throw new IllegalArgumentException("service: missing (expected: ?service=NAME)");
            }
            seconds = number(q, "seconds", DEFAULT_SECONDS, 1, MAX_SECONDS);
            max = number(q, "max", 0, 1, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            Exchanges.json(ex, 400, Json.error(e.getMessage()));
            return false;
        }
        List<ProxyTarget> targets = ProxyTarget.of(streams).stream().filter(t -> t.service().equals(service)).toList();
        if (targets.isEmpty()) {
            Exchanges.json(ex, 404, Json.error("service " + service + ": no connected proxy with an admin port"));
            return false;
        }
        StringBuilder query = new StringBuilder("seconds=").append(seconds);
        if (max > 0) {
            query.append("&max=").append(max);
        }
        for (String f : FILTERS) {
            if (q.containsKey(f)) {
                query.append('&').append(f).append('=').append(java.net.URLEncoder.encode(q.get(f), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Map<ProxyTarget, CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>>> opened = new LinkedHashMap<>();
        for (ProxyTarget t : targets) {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + t.adminAddress() + "/tap?" + query))
                    .timeout(Duration.ofSeconds(seconds + 10L)).GET().build();
            opened.put(t, http.sendAsync(r, HttpResponse.BodyHandlers.ofPublisher()));
        }
        Map<ProxyTarget, Flow.Publisher<List<ByteBuffer>>> streaming = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<ProxyTarget, CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>>> e : opened.entrySet()) {
            String node = e.getKey().node();
            try {
                HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = e.getValue().get(CONNECT.toMillis(), TimeUnit.MILLISECONDS);
                if (r.statusCode() == 200) {
                    streaming.put(e.getKey(), r.body());
                } else {
                    errors.add(node + ": GET /tap: HTTP " + r.statusCode());
                    r.body().subscribe(HttpResponse.BodySubscribers.discarding());
                }
            } catch (ExecutionException | TimeoutException x) {
                e.getValue().cancel(true);
                errors.add(node + ": GET /tap: " + (x.getCause() != null ? x.getCause() : x));
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                opened.values().forEach(f -> f.cancel(true));
                Exchanges.json(ex, 503, Json.error("interrupted"));
                return false;
            }
        }
        if (streaming.isEmpty()) {
            Exchanges.json(ex, 502, Json.error("service " + service + ": no proxy could be tapped: " + String.join("; ", errors)));
            return false;
        }
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        if (!errors.isEmpty()) {
            ex.getResponseHeaders().set("Trellis-Tap-Errors", String.join("; ", errors).replaceAll("[\\r\\n]", " "));
        }
        ex.sendResponseHeaders(200, 0);
        TapRelay relay = new TapRelay(ex, max, Duration.ofSeconds(seconds + 5L), streaming.size());
        streaming.forEach((t, body) -> body.subscribe(HttpResponse.BodySubscribers.fromLineSubscriber(relay.from(t.node()))));
        return true;
    }

    private static int number(Map<String, String> q, String name, int absent, int min, int max) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(name + ": " + v + " (expected: " + min + ".." + max + ")");
    }
}
