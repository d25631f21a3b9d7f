package dev.trellis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/** Requests fired at once through a sidecar's outbound listener, each on its own connection. */
final class Burst {
    /** One answer: its status, its {@code trellis-error} header ("" if none) and how long after sending it came. */
    record Answer(int status, String proxyError, long millis) {}

    private final List<CompletableFuture<Answer>> requests;

    private Burst(List<CompletableFuture<Answer>> requests) {
        this.requests = requests;
    }

    static Burst fire(int outboundPort, String host, int n) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outboundPort + "/"))
                .header("Host", host).timeout(Duration.ofSeconds(60)).build();
        return new Burst(IntStream.range(0, n).mapToObj(i -> {
            long start = System.nanoTime();
            return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> new Answer(r.statusCode(), r.headers().firstValue("trellis-error").orElse(""),
                            (System.nanoTime() - start) / 1_000_000));
        }).toList());
    }

    /** The answers received so far (a request that failed without an answer is left out). */
    List<Answer> answers() {
        return requests.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).map(CompletableFuture::join)
                .filter(Objects::nonNull).toList();
    }

    /** Requests with no outcome yet: still in flight. */
    long unanswered() {
        return requests.stream().filter(f -> !f.isDone()).count();
    }
}
