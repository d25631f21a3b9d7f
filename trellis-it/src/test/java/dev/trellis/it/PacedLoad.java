package dev.trellis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-loop traffic at a fixed rate through a sidecar's outbound listener: each request leaves on schedule whether
 * or not the earlier ones were answered (as real callers do), so a slow or failing upstream cannot slow the load down.
 * Stops by itself after {@code total} requests. Every answer is counted by outcome: {@code "200"},
 * {@code "503 overflow"} (status and {@code trellis-error}), or the exception that came instead.
 */
final class PacedLoad implements AutoCloseable {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final long startNanos = System.nanoTime();
    private final int total;
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    PacedLoad(int outboundPort, String host, String path, int perSecond, int total) {
        this.total = total;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outboundPort + path))
                .header("Host", host).timeout(Duration.ofSeconds(10)).build();
        ticker.scheduleAtFixedRate(() -> {
            if (sent.get() >= total) {
                return;
            }
            sent.incrementAndGet();
            CompletableFuture<?> f = client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                String outcome = e != null ? e.toString()
                        : (r.statusCode() + " " + r.headers().firstValue("trellis-error").orElse("")).trim();
                outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                answered.incrementAndGet();
            });
            synchronized (inFlight) {
                inFlight.add(f);
            }
        }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    /** How many answers had this outcome so far. */
    int count(String outcome) {
        AtomicInteger n = outcomes.get(outcome);
        return n == null ? 0 : n.get();
    }

    /** The answers so far by outcome, for assertion messages. */
    Map<String, Integer> outcomes() {
        Map<String, Integer> m = new TreeMap<>();
        outcomes.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Waits until every request was sent and answered; returns the seconds from the first send to the last answer. */
    double finish(Duration atMost) throws Exception {
        org.awaitility.Awaitility.await().atMost(atMost).until(() -> sent.get() >= total);
        ticker.shutdown();
        CompletableFuture<?>[] all;
        synchronized (inFlight) {
            all = inFlight.toArray(CompletableFuture[]::new);
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Stops sending; requests in flight are left to finish or be cut when the proxy stops. */
    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
