package dev.trellis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Closed-loop traffic through a sidecar's outbound listener: a few threads, one request after another. */
final class LoadLoop implements AutoCloseable {
    final AtomicInteger ok = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentHashMap<String, AtomicInteger> bodies = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads;

    LoadLoop(int outboundPort, String host, int concurrency) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outboundPort + "/"))
                .header("Host", host).timeout(Duration.ofSeconds(10)).build();
        threads = java.util.stream.IntStream.range(0, concurrency).mapToObj(i -> new Thread(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        bodies.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        }, "load-" + i)).toList();
        threads.forEach(Thread::start);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
