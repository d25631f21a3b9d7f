package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sidecar processes in front of test upstreams that fail or hang: retries and circuit breakers bound the load
 * the sidecar adds and the requests it holds, instead of multiplying the one and queueing the other without end.
 */
class ResilienceLimitsIT {
    /** Event loops of the sidecars here: each may overshoot the retry budget by one in a race (check, then count). */
    private static final int WORKERS = 2;
    /** The default retry budget: ratio, minimum retries per second, window in seconds. */
    private static final double BUDGET_RATIO = 0.2;
    private static final int BUDGET_MIN_PER_SECOND = 10;
    private static final int BUDGET_WINDOW_SECONDS = 10;
    /**
     * An answer the proxy gives itself comes in milliseconds; without a limit the request would wait for the hanging
     * upstream until the client gives up (60 s) or the proxy's pending wait ends (15 s). 2 s leaves room for a cold,
     * loaded sidecar and still separates the two by far.
     */
    private static final long AT_ONCE_MILLIS = 2_000;

    @TempDir
    Path dir;
    private final List<AutoCloseable> upstreams = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable u : upstreams) {
            u.close();
        }
    }

    private SidecarProcess sidecar(String... documents) throws Exception {
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, MeshYaml.of(documents));
        return SidecarProcess.start(config, "web", 0, dir, "--workers", Integer.toString(WORKERS));
    }

    @Test
    void retriesWhenEveryInstanceFailsStayWithinTheRetryBudget() throws Exception {
        List<ControlledBackend> backends = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            ControlledBackend b = ControlledBackend.start(name).answer(503);
            upstreams.add(b);
            backends.add(b);
        }
        int perSecond = 100;
        int total = perSecond * 8;
        try (SidecarProcess proxy = sidecar(
                MeshYaml.service("catalog", backends.stream().map(ControlledBackend::address).toList()),
                MeshYaml.route("catalog", "retry: {attempts: 3, on: [5xx, gateway-error]}"));
                PacedLoad load = new PacedLoad(proxy.outbound, "catalog", "/", perSecond, total)) {
            double seconds = load.finish(Duration.ofSeconds(40));
            int received = backends.stream().mapToInt(b -> b.requests.get()).sum();
            int retried = received - total; // every request reached an instance once; the rest are retries
            double retriesMetric = AdminMetrics.sum(proxy.admin, "retries_total");
            double attemptsMetric = AdminMetrics.sum(proxy.admin, "retry_attempts_total");
            double exhausted = AdminMetrics.sum(proxy.admin, "retry_budget_exhausted_total");
            // The budget grants ratio x requests plus minRetriesPerSecond x the window's seconds per window. A run
            // that spans fewer one-second slots than the window (8 s of load, answers within 1 s more) gets one
            // window's allowance: 0.2 x 800 + 10/s x 10 s = 260. It is bounded per window, so a longer run (a stalled
            // machine) is allowed one more minimum per window it spans. Tolerance: one retry per event loop (a race
            // between the budget check and the count). Without a budget, 3 retries per request would be 2400.
            int windows = (int) Math.ceil((seconds + 1) / BUDGET_WINDOW_SECONDS);
            long allowed = Math.round(BUDGET_RATIO * total) + (long) BUDGET_MIN_PER_SECOND * BUDGET_WINDOW_SECONDS * windows + WORKERS;
            String numbers = "sent " + total + " in " + String.format("%.1f", seconds) + " s, instances received " + received
                    + " (retries " + retried + "), allowed " + allowed + "; /metrics retries_total " + retriesMetric
                    + ", retry_attempts_total " + attemptsMetric + ", retry_budget_exhausted_total " + exhausted
                    + "; answers " + load.outcomes();
            System.out.println("retry budget: " + numbers);
            assertThat(load.count("503")).as("every caller sees the instances' 503: " + numbers).isEqualTo(total);
            assertThat(retried).as("retries sent: " + numbers).isLessThanOrEqualTo((int) allowed)
                    // the minimum allowance is spent: retries are on, the budget and not something else stops them
                    .isGreaterThanOrEqualTo(BUDGET_MIN_PER_SECOND * BUDGET_WINDOW_SECONDS);
            assertThat(retriesMetric).as("retries_total counts what the instances saw: " + numbers).isEqualTo(retried);
            assertThat(attemptsMetric).as("retry_attempts_total: " + numbers).isEqualTo(retried);
            // Each request wants 3 retries and is refused at most once (its failure is then the answer): every request
            // but those that got all 3 retries met the exhausted budget.
            assertThat(exhausted).as("requests whose retry the budget refused: " + numbers)
                    .isGreaterThanOrEqualTo(total - retried / 3.0).isLessThanOrEqualTo(total);
        }
    }

    @Test
    void requestsOverMaxRequestsAreRefusedAtOnceWhileTheAdmittedOnesWait() throws Exception {
        HangingBackend backend = HangingBackend.start();
        upstreams.add(backend);
        try (SidecarProcess proxy = sidecar(MeshYaml.service("catalog", List.of(backend.address())),
                MeshYaml.destinationPolicy("catalog", "circuitBreakers: {maxRequests: 4}"))) {
            Burst burst = Burst.fire(proxy.outbound, "catalog", 10);
            Awaitility.await("6 of 10 answered").atMost(Duration.ofSeconds(10)).until(() -> burst.answers().size() >= 6);
            Awaitility.await("4 of 10 at the upstream").atMost(Duration.ofSeconds(10)).until(() -> backend.requests.get() >= 4);
            List<Burst.Answer> answers = burst.answers();
            String numbers = "answers " + answers + ", unanswered " + burst.unanswered() + ", upstream connections "
                    + backend.connections.get() + " requests " + backend.requests.get();
            System.out.println("maxRequests: " + numbers);
            assertThat(answers).as(numbers).hasSize(6).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.proxyError()).isEqualTo("overflow");
                assertThat(a.millis()).isLessThan(AT_ONCE_MILLIS);
            });
            assertThat(burst.unanswered()).as("the admitted requests still wait for the upstream: " + numbers).isEqualTo(4);
            assertThat(backend.requests.get()).as(numbers).isEqualTo(4);
            assertThat(AdminMetrics.sum(proxy.admin, "circuit_breaker_overflow_total", "limit=\"requests\""))
                    .as("circuit_breaker_overflow_total{limit=requests}").isEqualTo(6);
            backend.close(); // the waiting requests fail now, so the sidecar stops without draining them
        }
    }

    @Test
    void requestsPastMaxConnectionsWaitUpToMaxPendingAndTheRestAreRefusedAtOnce() throws Exception {
        HangingBackend backend = HangingBackend.start();
        upstreams.add(backend);
        try (SidecarProcess proxy = sidecar(MeshYaml.service("catalog", List.of(backend.address())),
                MeshYaml.destinationPolicy("catalog", "circuitBreakers: {maxConnections: 2, maxPendingRequests: 3}"))) {
            // HTTP/1: each request in flight holds a connection of its own; the first two take both
            Burst first = Burst.fire(proxy.outbound, "catalog", 2);
            Awaitility.await("2 requests at the upstream").atMost(Duration.ofSeconds(10)).until(() -> backend.requests.get() >= 2);
            Burst more = Burst.fire(proxy.outbound, "catalog", 6);
            Awaitility.await("3 of 6 answered").atMost(Duration.ofSeconds(10)).until(() -> more.answers().size() >= 3);
            List<Burst.Answer> answers = more.answers();
            String numbers = "answers " + answers + ", unanswered " + first.unanswered() + " + " + more.unanswered()
                    + ", upstream connections " + backend.connections.get() + " requests " + backend.requests.get();
            System.out.println("maxConnections: " + numbers);
            assertThat(answers).as(numbers).hasSize(3).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.proxyError()).isEqualTo("overflow");
                assertThat(a.millis()).isLessThan(AT_ONCE_MILLIS);
            });
            assertThat(first.unanswered() + more.unanswered()).as("2 in flight and 3 waiting for a connection: " + numbers)
                    .isEqualTo(5);
            assertThat(backend.connections.get()).as("connections the upstream accepted: " + numbers).isEqualTo(2);
            assertThat(backend.requests.get()).as(numbers).isEqualTo(2);
            assertThat(AdminMetrics.sum(proxy.admin, "circuit_breaker_overflow_total", "limit=\"pending\""))
                    .as("circuit_breaker_overflow_total{limit=pending}").isEqualTo(3);
            assertThat(AdminMetrics.sum(proxy.admin, "circuit_breaker_overflow_total", "limit=\"connections\""))
                    .as("circuit_breaker_overflow_total{limit=connections}: one per waiting request").isGreaterThanOrEqualTo(3);
            backend.close();
        }
    }
}
