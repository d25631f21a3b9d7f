package dev.trellis.proxy.telemetry.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a proxy's GET /tap stream line by line, as the CLI does, on a thread of its own. */
final class TapClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    /** Completes when the proxy ends the stream. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpResponse<Stream<String>> response;

    private TapClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread t = new Thread(this::read, "tap-client");
        t.setDaemon(true);
        t.start();
    }

    /** Returns once the response head arrived, which is when the proxy has registered the subscriber. */
    static TapClient open(HttpClient client, int adminPort, String query) throws Exception {
        HttpResponse<Stream<String>> r = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/tap" + query)).build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /tap" + query + ": " + r.statusCode());
        }
        return new TapClient(r);
    }

    HttpResponse<Stream<String>> response() {
        return response;
    }

    private void read() {
        try (Stream<String> lines = response.body()) {
            lines.forEach(line -> {
                try {
                    events.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new IllegalStateException("not JSON: " + line, e);
                }
            });
            ended.complete(null);
        } catch (UncheckedIOException | IllegalStateException e) {
            ended.completeExceptionally(e);
        }
    }

    JsonNode next() throws InterruptedException {
        JsonNode e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no tap event within 10s");
        }
        return e;
    }

    @Override
    public void close() {
        response.body().close();
    }
}
