package dev.trellis.demo;

import dev.trellis.demo.app.OutboundClient;
import dev.trellis.demo.app.TraceHeaders;
import dev.trellis.demo.metrics.MetricsSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@code trellis demo}: starts a control plane and the demo services, each under {@code trellis run} with its own
 * sidecar, plus a client sidecar; drives a steady load at web through the client; shifts catalog traffic to v2 in
 * steps through the control plane; prints every few seconds what the sidecars' metrics say about every service
 * and every call between them; and stops every process it started when the time is up or on Ctrl-C. Standalone,
 * the sidecars read one mesh file instead and the split stays 80/20.
 */
public final class DemoMesh {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final DemoOptions options;
    private final PrintStream out;
    private final AdminClient admin = new AdminClient();
    private final StatsTable table;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object lifecycle = new Object();
    private volatile MeshPlan plan;
    private volatile Path logs;
    private volatile MeshProcesses processes;
    private volatile LoadGenerator load;
    private volatile ControlPlaneApi controlPlane;
    private volatile int xdsPort;
    private volatile CanaryRollout canary;
    private volatile Map<String, MetricsSnapshot> baseline;
    /** Each sidecar's most recent scrape: the totals fall back to it for a sidecar already gone. */
    private final Map<String, MetricsSnapshot> latest = new ConcurrentHashMap<>();
    private volatile List<String> banner = List.of();

    private DemoMesh(DemoOptions options) {
        this.options = options;
        this.out = options.out();
        this.table = new StatsTable(options.ansi());
    }

    /** Runs the demo; returns the process exit code (0 when it ran and stopped as asked). */
    public static int run(DemoOptions options) {
        DemoMesh mesh = new DemoMesh(options);
        Thread hook = new Thread(mesh::close, "trellis-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            mesh.runUntilStopped();
            return 0;
        } catch (DemoException e) {
            if (mesh.closing.get()) {
                return 0;
            }
            options.err().println("trellis demo: " + e.getMessage());
            return 1;
        } finally {
            mesh.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running the close
            }
        }
    }

    private void runUntilStopped() {
        Path workDir = options.workDir().orElseGet(DemoMesh::newTempDir);
        MeshPlan plan = MeshPlan.allocate();
        Path config;
        MeshProcesses.Source source;
        try {
            logs = Files.createDirectories(workDir.resolve("logs"));
            if (options.standalone()) {
                config = workDir.resolve("mesh.yaml");
                Files.writeString(config, MeshYaml.render(plan));
                source = MeshProcesses.Source.standalone(config);
            } else {
                // the control plane serves what is in its directory from the start: the canary begins at 0%
                config = Files.createDirectories(workDir.resolve("config"));
                Files.writeString(config.resolve("services.yaml"), MeshYaml.services(plan));
                Files.writeString(config.resolve("routes.yaml"), MeshYaml.catalogRoute(CanaryRollout.STEPS.get(0)));
                List<Integer> ports = MeshPlan.freePorts(2);
                xdsPort = ports.get(0);
                controlPlane = new ControlPlaneApi(ports.get(1));
                source = new MeshProcesses.Source(config, ports.get(0), controlPlane);
            }
        } catch (IOException e) {
            throw new DemoException("cannot write to " + workDir + ": " + e.getMessage(), e);
        }
        this.plan = plan;
        MeshProcesses started = new MeshProcesses(plan, source, logs, options.launcher(), admin);
        synchronized (lifecycle) {
            if (closing.get()) {
                return;
            }
            processes = started;
            out.println(options.standalone()
                    ? "trellis demo: starting " + plan.members().size() + " sidecars and their services;"
                            + " mesh config " + config + ", logs in " + logs
                    : "trellis demo: starting a control plane, " + plan.members().size() + " sidecars and their"
                            + " services (trellis run); config dir " + config + ", logs in " + logs);
            out.flush();
            started.start();
        }
        long startedAt = System.nanoTime();
        started.awaitReady(STARTUP_TIMEOUT);
        out.printf(Locale.ROOT, "trellis demo: %d processes ready in %.1fs%n",
                started.count(), (System.nanoTime() - startedAt) / 1e9);

        OutboundClient client = new OutboundClient(plan.member("client").outboundAddress(), Duration.ofSeconds(5));
        warmUp(client);
        banner = banner(config);
        if (!options.ansi()) {
            banner.forEach(out::println);
            out.flush();
        }
        Map<String, MetricsSnapshot> previous = scrapeAll();
        synchronized (lifecycle) {
            if (closing.get()) {
                return;
            }
            baseline = previous;
            load = new LoadGenerator(client, options.rps());
            load.start();
            if (controlPlane != null) {
                canary = new CanaryRollout(controlPlane, options.canaryStep(), this::announce);
                announce("trellis demo: canary step 1/" + CanaryRollout.STEPS.size() + ": catalog-v2 "
                        + CanaryRollout.STEPS.get(0) + "%, catalog-v1 100%; then "
                        + CanaryRollout.STEPS.subList(1, CanaryRollout.STEPS.size()) + "% every "
                        + options.canaryStep().toMillis() / 1000.0 + "s");
                canary.start();
            }
        }
        long end = options.duration().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        while (true) {
            long remaining = end - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (await(Math.min(options.interval().toNanos(), remaining)) || System.nanoTime() >= end) {
                return; // at the end the totals follow, not one more short interval
            }
            Map<String, MetricsSnapshot> current = scrapeAll();
            print("[" + LocalTime.now().format(CLOCK) + "] traffic over the last "
                    + seconds(current, previous) + ":", previous, current, true);
            previous = current;
        }
    }

    /** A line between tables (at a terminal the next redraw keeps it in the table's canary line). */
    private void announce(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Waits for the interval; true when a stop was asked for meanwhile. */
    private boolean await(long nanos) {
        try {
            return stopRequested.await(nanos, TimeUnit.NANOSECONDS) || closing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Waits until web answers through the mesh, so the first numbers are not connection set-up. */
    private void warmUp(OutboundClient client) {
        long deadline = System.nanoTime() + WARM_UP_TIMEOUT.toNanos();
        String last = "";
        int attempts = 0;
        while (System.nanoTime() < deadline && !closing.get()) {
            attempts++;
            try {
                HttpResponse<String> response = client.get("web", "/", TraceHeaders.NONE).get(5, TimeUnit.SECONDS);
                if (response.statusCode() == 200) {
                    out.println("trellis demo: web answers through the mesh"
                            + (attempts > 1 ? " (after " + attempts + " attempts)" : ""));
                    return;
                }
                last = "status " + response.statusCode() + ": " + response.body();
            } catch (ExecutionException | TimeoutException e) {
                last = String.valueOf(e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            processes.failIfAnyExited();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.println("trellis demo: warning: web did not answer through the mesh within " + WARM_UP_TIMEOUT.toSeconds()
                + "s (last: " + last + "); sending traffic anyway");
    }

    private List<String> banner(Path config) {
        List<String> lines = new ArrayList<>();
        MeshPlan.Member client = plan.member("client");
        String split = controlPlane == null
                ? "split " + MeshYaml.CATALOG_V1_WEIGHT + "% v1 / " + MeshYaml.CATALOG_V2_WEIGHT + "% v2"
                : "canary: v2 gets " + CanaryRollout.STEPS.stream().map(String::valueOf)
                        .collect(Collectors.joining(" -> ")) + "%";
        lines.add("Trellis demo mesh: web (HTTP) -> catalog (HTTP, " + split + ") and recommend (gRPC);"
                + " the client sidecar sends " + options.rps() + " req/s to web.");
        if (controlPlane == null) {
            lines.add("  mesh config  " + config);
        } else {
            lines.add("  config dir     " + config + "   (watched by the control plane)");
            lines.add("  control plane  " + controlPlane.url() + "   (REST API: /api/v1/status, /api/v1/resources,"
                    + " /api/v1/instances; trellis apply --control-plane-api 127.0.0.1:" + controlPlane.port() + ")");
            lines.add("  dashboard      " + controlPlane.url() + "/dashboard/");
            lines.add("  xDS (ADS)      127.0.0.1:" + xdsPort);
            String api = " --control-plane-api 127.0.0.1:" + controlPlane.port();
            lines.add("  watch          trellis stat" + api + "   |   trellis top" + api + "   |   trellis tap web" + api);
        }
        lines.add((controlPlane == null ? "  traces       " : "  traces         ") + tracesLine(System.getenv()));
        lines.add((controlPlane == null ? "  logs         " : "  logs           ") + logs);
        lines.add(String.format(Locale.ROOT, "  %-11s %8s %9s %8s  %s", "SIDECAR", "APP", "OUTBOUND", "INBOUND",
                "ADMIN (GET /ready, /metrics, /config_dump)"));
        for (MeshPlan.Member member : plan.members()) {
            MeshPlan.SidecarPorts ports = member.sidecar();
            lines.add(String.format(Locale.ROOT, "  %-11s %8s %9d %8d  %s  %s", member.service(),
                    member.app().isPresent() ? Integer.toString(ports.app()) : "-", ports.outbound(), ports.inbound(),
                    AdminClient.url(ports.admin(), "/metrics"), AdminClient.url(ports.admin(), "/config_dump")));
        }
        lines.add("  try:  curl -H 'Host: web' http://" + client.outboundAddress() + "/"
                + "     (or /feed: recommend's gRPC stream, via web)");
        lines.add(options.duration()
                .map(d -> "  stops after " + d.toSeconds() + "s of traffic.")
                .orElse("  Ctrl-C stops the mesh."));
        return List.copyOf(lines);
    }

    /** Sidecars inherit the OpenTelemetry variables the demo was started with (docs/tracing.md). */
    static String tracesLine(Map<String, String> env) {
        String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "");
        if (exporter.isBlank() || exporter.equals("none")) {
            return "off: start the demo with OTEL_TRACES_EXPORTER=zipkin OTEL_TRACES_SAMPLER_ARG=1 (spans to Zipkin on"
                    + " 127.0.0.1:9411; or otlp, see docs/tracing.md)";
        }
        String endpoint = env.getOrDefault(exporter.equals("zipkin") ? "OTEL_EXPORTER_ZIPKIN_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT",
                "the default endpoint");
        return exporter + " spans from every sidecar to " + endpoint + " (sampling " + env.getOrDefault("OTEL_TRACES_SAMPLER_ARG", "0.01") + ")";
    }

    /** One scrape per sidecar; a sidecar that does not answer is left out (its rows say so). */
    private Map<String, MetricsSnapshot> scrapeAll() {
        Map<String, MetricsSnapshot> snapshots = new LinkedHashMap<>();
        for (MeshPlan.Member member : plan.members()) {
            try {
                snapshots.put(member.service(), admin.metrics(member.sidecar().admin()));
            } catch (IOException e) {
                // shown as "metrics unavailable"
            }
        }
        latest.putAll(snapshots);
        return snapshots;
    }

    private void print(String title, Map<String, MetricsSnapshot> before, Map<String, MetricsSnapshot> after,
            boolean warnAboutExits) {
        List<String> lines = new ArrayList<>();
        lines.add(title);
        lines.addAll(table.render("SERVICE", MeshStats.services(plan, before, after)));
        lines.add("");
        lines.addAll(table.render("CALL", MeshStats.edges(plan, before, after)));
        LoadGenerator.Counts counts = load.counts();
        lines.add(String.format(Locale.ROOT, "load: %d sent, %d ok, %d failed, %d skipped",
                counts.sent(), counts.ok(), counts.failed(), counts.skipped()));
        if (!counts.lastFailure().isEmpty()) {
            lines.add("last failure: " + counts.lastFailure());
        }
        CanaryRollout rollout = canary;
        if (rollout != null) {
            lines.add(rollout.status());
        }
        if (warnAboutExits) {
            processes.exited().forEach(gone -> lines.add("warning: " + gone));
        }
        synchronized (out) {
            if (options.ansi()) {
                out.print(CLEAR_SCREEN);
                banner.forEach(out::println);
            }
            out.println();
            lines.forEach(out::println);
            out.flush();
        }
    }

    private static String seconds(Map<String, MetricsSnapshot> current, Map<String, MetricsSnapshot> previous) {
        long nanos = 0;
        for (Map.Entry<String, MetricsSnapshot> entry : current.entrySet()) {
            MetricsSnapshot before = previous.get(entry.getKey());
            if (before != null) {
                nanos = Math.max(nanos, entry.getValue().nanoTime() - before.nanoTime());
            }
        }
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    /** Stops the load, prints the totals since the load began, then stops every child process. Idempotent. */
    private void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        stopRequested.countDown();
        CanaryRollout rollout = canary;
        if (rollout != null) {
            rollout.close();
        }
        LoadGenerator running;
        Map<String, MetricsSnapshot> start;
        MeshProcesses children;
        synchronized (lifecycle) {
            running = load;
            start = baseline;
            children = processes;
        }
        if (running != null) {
            running.close();
            running.drain(Duration.ofSeconds(6));
            scrapeAll();
            // where children could not get a session of their own, a Ctrl-C reached them too: some may be gone
            Map<String, MetricsSnapshot> end = Map.copyOf(latest);
            print("totals over " + seconds(end, start) + " of traffic:", start, end, false);
        }
        if (children != null) {
            children.close();
            out.println("trellis demo: stopped " + children.count() + " processes; logs kept in " + logs);
            out.flush();
        }
    }

    private static Path newTempDir() {
        try {
            return Files.createTempDirectory("trellis-demo-");
        } catch (IOException e) {
            throw new DemoException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }
}
