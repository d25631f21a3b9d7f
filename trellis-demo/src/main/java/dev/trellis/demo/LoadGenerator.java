package dev.trellis.demo;

import dev.trellis.demo.app.OutboundClient;
import dev.trellis.demo.app.TraceHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a steady rate of requests at web (open loop: the rate does not slow down when responses do), each
 * starting a new trace. One in five asks for the recommendation stream ({@code /feed}), the rest for the page.
 */
final class LoadGenerator implements AutoCloseable {
    private static final List<String> USERS = List.of("ada", "grace", "linus", "barbara", "ken");
    /** Past this many requests in flight, ticks are skipped rather than piling up on a stuck mesh. */
    private static final int MAX_IN_FLIGHT = 256;

    private final OutboundClient client;
    private final int rps;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "demo-load");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>("");

    /** What the load generator saw, from the caller's side. */
    record Counts(long sent, long ok, long failed, long skipped, String lastFailure) {}

    LoadGenerator(OutboundClient client, int rps) {
        if (rps <= 0) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: > 0)");
        }
        this.client = client;
        this.rps = rps;
    }

    void start() {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rps;
        ticker.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            skipped.incrementAndGet();
            return;
        }
        long n = ticks.incrementAndGet();
        String user = USERS.get((int) (n % USERS.size()));
        String path = (n % 5 == 0 ? "/feed" : "/") + "?user=" + user;
        inFlight.incrementAndGet();
        sent.incrementAndGet();
        client.get("web", path, newTrace()).whenComplete((response, error) -> {
            inFlight.decrementAndGet();
            record(path, response, error);
        });
    }

    private void record(String path, HttpResponse<String> response, Throwable error) {
        if (error == null && response.statusCode() == 200) {
            ok.incrementAndGet();
            return;
        }
        failed.incrementAndGet();
        String reason = error != null
                ? String.valueOf(error)
                : "status " + response.statusCode() + " " + response.body();
        lastFailure.set("GET " + path + ": " + abbreviate(reason));
    }

    /** A new W3C trace (sampled) and request id, as an edge proxy would start them. */
    private static TraceHeaders newTrace() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String traceId = "%016x%016x".formatted(random.nextLong(), random.nextLong());
        String spanId = "%016x".formatted(random.nextLong());
        return new TraceHeaders(Map.of(
                "traceparent", "00-" + traceId + "-" + spanId + "-01",
                "x-request-id", UUID.randomUUID().toString()));
    }

    private static String abbreviate(String text) {
        String line = text.replace('\n', ' ');
        return line.length() <= 160 ? line : line.substring(0, 157) + "...";
    }

    Counts counts() {
        return new Counts(sent.get(), ok.get(), failed.get(), skipped.get(), lastFailure.get());
    }

    int rps() {
        return rps;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code grace} for the requests in flight to finish, so the counts add up. */
    void drain(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
