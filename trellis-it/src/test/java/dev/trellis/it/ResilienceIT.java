package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes under steady load: one of three instances is killed, turns slow or starts failing, and callers
 * barely notice because the sidecar moves the traffic to the others within seconds.
 */
class ResilienceIT {
    private static final int PER_SECOND = 100;

    @TempDir
    Path dir;
    private final List<Process> apps = new ArrayList<>();
    private final List<ControlledBackend> backends = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(Process::destroyForcibly);
        backends.forEach(ControlledBackend::close);
    }

    private int startCatalog(String version) throws Exception {
        int port = SidecarProcess.freePort();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-jar", SidecarProcess.jar(), "demo-app", "--app", "catalog", "--port", Integer.toString(port),
                "--app-version", version).redirectErrorStream(true).redirectOutput(dir.resolve("catalog-" + version + ".log").toFile()).start();
        apps.add(p);
        HttpClient probe = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> probe.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return port;
    }

    @Test
    void killingOneOfThreeInstancesUnderLoadKeepsSuccessAbove999() throws Exception {
        List<String> instances = new ArrayList<>();
        for (String version : List.of("a", "b", "c")) {
            instances.add("127.0.0.1:" + startCatalog(version));
        }
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, MeshYaml.service("catalog", instances));
        int total = 200 * 8;
        try (SidecarProcess proxy = SidecarProcess.start(config, "web", 0, dir);
                PacedLoad load = new PacedLoad(proxy.outbound, "catalog", "/items", 200, total)) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> load.sent.get() >= total / 3);
            apps.get(1).destroyForcibly(); // SIGKILL one instance mid-load
            load.finish(Duration.ofSeconds(60));
            int done = load.answered.get();
            assertThat(done).isEqualTo(total);
            assertThat(load.count("200") * 1000L).as("successes of " + done + ": " + load.outcomes())
                    .isGreaterThanOrEqualTo(999L * done);
        }
    }

    /** Three test upstreams answering 200, behind a standalone sidecar with {@code extraDocuments} besides the Service. */
    private SidecarProcess threeInstances(String... extraDocuments) throws Exception {
        for (String name : List.of("a", "b", "c")) {
            backends.add(ControlledBackend.start(name));
        }
        List<String> documents = new ArrayList<>();
        documents.add(MeshYaml.service("catalog", backends.stream().map(ControlledBackend::address).toList()));
        documents.addAll(List.of(extraDocuments));
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, MeshYaml.of(documents.toArray(String[]::new)));
        return SidecarProcess.start(config, "web", 0, dir);
    }

    private int received() {
        return backends.stream().mapToInt(b -> b.requests.get()).sum();
    }

    /**
     * Waits for 3 s of load, then returns the instance that served the most of it (so at least a third). Not every
     * instance need have served by then: an event loop's peak EWMA keeps away from an instance it has not measured
     * yet (30 ms assumed) while the measured ones answer in a millisecond.
     */
    private ControlledBackend busiestAfterWarmUp() {
        Awaitility.await("3 s of load").atMost(Duration.ofSeconds(20)).until(() -> received() >= 3 * PER_SECOND);
        System.out.println("warm-up: " + backends.stream().map(b -> b.name + "=" + b.requests.get()).toList());
        return backends.stream().max(Comparator.comparingInt(b -> b.requests.get())).orElseThrow();
    }

    @Test
    void trafficShiftsAwayFromAnInstanceThatTurnsSlow() throws Exception {
        try (SidecarProcess proxy = threeInstances();
                PacedLoad load = new PacedLoad(proxy.outbound, "catalog", "/", PER_SECOND, PER_SECOND * 25)) {
            ControlledBackend slow = busiestAfterWarmUp();
            double shareBefore = (double) slow.requests.get() / received();
            int slowAt = slow.requests.get();
            int allAt = received();
            slow.slowBy(Duration.ofMillis(300));
            // the next 3 s of load (at 100/s), the switch itself included
            Awaitility.await("300 more requests").atMost(Duration.ofSeconds(20)).until(() -> received() - allAt >= 3 * PER_SECOND);
            int toSlow = slow.requests.get() - slowAt;
            int toAll = received() - allAt;
            double shareAfter = (double) toSlow / toAll;
            String numbers = String.format("slow instance's share before %.1f %% (%d of %d), in the 3 s after it turned slow"
                    + " %.1f %% (%d of %d); answers %s", 100 * shareBefore, slowAt, allAt, 100 * shareAfter, toSlow, toAll, load.outcomes());
            System.out.println("slow instance: " + numbers);
            // The busiest instance had at least a third. A balancer blind to latency would keep sending it a third or
            // more; peak EWMA stops choosing it as soon as each event loop has seen one slow answer (300 ms), so only
            // about the first 300 ms of these 3 s can reach it (measured: 1 %).
            assertThat(shareAfter).as(numbers).isLessThan(0.10);
            assertThat(load.outcomes().keySet()).as("slow is not failed: " + numbers).containsOnly("200");
        }
    }

    @Test
    void anInstanceAnswering500sIsEjectedAndTrafficShiftsAway() throws Exception {
        try (SidecarProcess proxy = threeInstances(MeshYaml.destinationPolicy("catalog", "outlierDetection: {consecutive5xx: 3}"));
                PacedLoad load = new PacedLoad(proxy.outbound, "catalog", "/", PER_SECOND, PER_SECOND * 25)) {
            ControlledBackend failing = busiestAfterWarmUp().answer(500);
            Awaitility.await("an ejection").atMost(Duration.ofSeconds(10))
                    .until(() -> AdminMetrics.sum(proxy.admin, "outlier_ejections_total") >= 1);
            int failingAt = failing.requests.get();
            int allAt = received();
            Awaitility.await("200 more requests").atMost(Duration.ofSeconds(20)).until(() -> received() - allAt >= 2 * PER_SECOND);
            int toFailing = failing.requests.get() - failingAt;
            double ejections = AdminMetrics.sum(proxy.admin, "outlier_ejections_total");
            double ejectedNow = AdminMetrics.sum(proxy.admin, "outlier_ejected_endpoints");
            String numbers = "after the ejection the failing instance received " + toFailing + " of " + (received() - allAt)
                    + "; outlier_ejections_total " + ejections + ", outlier_ejected_endpoints " + ejectedNow + "; answers " + load.outcomes();
            System.out.println("failing instance: " + numbers);
            // Not ejected, it would keep a third of the traffic (more: its fast 500s look cheap to peak EWMA), about
            // 65 of these 200 requests; ejected, it gets none but a request already sent to it when the count moved.
            assertThat(toFailing).as(numbers).isLessThanOrEqualTo(2);
            assertThat(ejections).as(numbers).isEqualTo(1);
            assertThat(ejectedNow).as(numbers).isEqualTo(1);
            // 3 in a row eject it (plus what was in flight then); at 100/s a third of even 1 s of traffic would be 33
            assertThat(load.count("500")).as("500s the callers saw: " + numbers).isBetween(3, 10);
        }
    }
}
