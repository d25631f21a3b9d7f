package dev.trellis.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Shifts catalog traffic from v1 to v2 in steps while the load runs, by applying the catalog HTTPRoute with new
 * weights through the control plane's API. Each step is reported as it is applied (or fails).
 */
final class CanaryRollout implements AutoCloseable {
    /** Percent of catalog traffic sent to catalog-v2, step by step; the first is in force before the load. */
    static final List<Integer> STEPS = List.of(0, 10, 25, 50, 100);

    private final ControlPlaneApi api;
    private final Duration every;
    private final Consumer<String> report;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile int current = STEPS.get(0);

    CanaryRollout(ControlPlaneApi api, Duration every, Consumer<String> report) {
        this.api = api;
        this.every = every;
        this.report = report;
        this.thread = new Thread(this::run, "trellis-demo-canary");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The share of catalog traffic catalog-v2 has now, in percent. */
    int current() {
        return current;
    }

    /** "canary catalog-v2: 25% (step 3 of 5)". */
    String status() {
        return "canary catalog-v2: " + current + "% (step " + (STEPS.indexOf(current) + 1) + " of " + STEPS.size() + ")";
    }

    private void run() {
        for (int step = 1; step < STEPS.size(); step++) {
            try {
                if (stopped.await(every.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            int percent = STEPS.get(step);
            try {
                api.apply(MeshYaml.catalogRoute(percent));
                current = percent;
                report.accept("trellis demo: canary step " + (step + 1) + "/" + STEPS.size() + ": catalog-v2 " + percent
                        + "%, catalog-v1 " + (100 - percent) + "% (HTTPRoute " + MeshYaml.ROUTE_NAME + " applied)");
            } catch (IOException e) {
                report.accept("trellis demo: canary step to " + percent + "% failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        stopped.countDown();
    }
}
