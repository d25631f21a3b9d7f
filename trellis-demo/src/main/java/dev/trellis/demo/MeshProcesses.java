package dev.trellis.demo;

import dev.trellis.demo.app.AppSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo's child processes, each logging to its own file. Standalone: one JVM per demo service and one per
 * sidecar, the sidecars reading the mesh file. With a control plane: the control plane, then each demo service
 * under {@code trellis run} (its sidecar in the run JVM, registering with the control plane) and the client
 * sidecar. It starts them, waits until every service listens and every sidecar reports ready, and stops them all.
 */
final class MeshProcesses implements AutoCloseable {
    /** Small JVMs: nine of them share the machine, and a demo needs no peak throughput. */
    private static final List<String> COMMON_JVM =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xshare:auto");
    private static final List<String> SIDECAR_JVM = concat(List.of("-Xms32m", "-Xmx128m"), COMMON_JVM);
    // the JDK HTTP server writes headers and body separately: without TCP_NODELAY, Nagle and delayed ACKs add 40 ms
    private static final List<String> APP_JVM = concat(List.of("-Xms16m", "-Xmx96m", "-Dsun.net.httpserver.nodelay=true"), COMMON_JVM);
    private static final List<String> CONTROL_PLANE_JVM = concat(List.of("-Xms32m", "-Xmx192m"), COMMON_JVM);

    /**
     * Where the sidecars get their configuration: the mesh file, or the control plane.
     *
     * @param config  standalone: the mesh file; with a control plane: its configuration directory
     * @param xdsPort the control plane's xDS port; 0 standalone
     * @param api     the control plane's REST API; null standalone
     */
    record Source(Path config, int xdsPort, ControlPlaneApi api) {
        static Source standalone(Path meshFile) {
            return new Source(meshFile, 0, null);
        }

        boolean controlPlane() {
            return api != null;
        }
    }

    private final MeshPlan plan;
    private final Source source;
    private final Path logs;
    private final JavaLauncher launcher;
    private final AdminClient admin;
    private final List<ChildProcess> apps = new CopyOnWriteArrayList<>();
    private final List<ChildProcess> sidecars = new CopyOnWriteArrayList<>();
    private volatile ChildProcess controlPlane;

    MeshProcesses(MeshPlan plan, Source source, Path logs, JavaLauncher launcher, AdminClient admin) {
        this.plan = plan;
        this.source = source;
        this.logs = logs;
        this.launcher = launcher;
        this.admin = admin;
    }

    void start() {
        if (source.controlPlane()) {
            startWithControlPlane();
            return;
        }
        long parent = ProcessHandle.current().pid();
        for (MeshPlan.Member member : plan.members()) {
            member.app().ifPresent(app -> apps.add(ChildProcess.start(member.service(),
                    launcher.command(APP_JVM, appArgs(app, parent)),
                    Map.of("TRELLIS_OUTBOUND", member.outboundAddress()),
                    logs.resolve(member.service() + ".log"))));
            sidecars.add(ChildProcess.start(member.service() + " sidecar",
                    launcher.command(SIDECAR_JVM, sidecarArgs(member)),
                    Map.of(),
                    logs.resolve(member.service() + "-sidecar.log")));
        }
    }

    private void startWithControlPlane() {
        // before the control plane starts, so that one token key is created, not two racing
        DemoIdentities identities = new DemoIdentities(source.config(), logs.resolveSibling("tokens"));
        controlPlane = ChildProcess.start("control plane",
                launcher.command(CONTROL_PLANE_JVM, List.of("control-plane",
                        "--config-dir", source.config().toString(),
                        "--xds-port", Integer.toString(source.xdsPort()),
                        "--api-port", Integer.toString(source.api().port()))),
                Map.of(),
                logs.resolve("control-plane.log"));
        long parent = ProcessHandle.current().pid();
        String xds = "127.0.0.1:" + source.xdsPort();
        for (MeshPlan.Member member : plan.members()) {
            List<String> args = new ArrayList<>();
            Optional<AppSpec> app = member.app();
            args.add(app.isPresent() ? "run" : "proxy");
            args.addAll(List.of("--control-plane", xds));
            args.addAll(portArgs(member));
            args.addAll(List.of("--ca-address", "127.0.0.1:" + source.api().port(),
                    "--token-file", identities.tokenFile(member.service()).toString()));
            member.labels().forEach((key, value) -> args.addAll(List.of("--label", key + "=" + value)));
            if (app.isPresent()) {
                args.addAll(List.of("--ready-timeout", "180s", "--"));
                args.addAll(launcher.command(APP_JVM, appArgs(app.get(), parent)));
            }
            String name = app.isPresent() ? member.service() + " (run)" : member.service() + " sidecar";
            String log = app.isPresent() ? member.service() + ".log" : member.service() + "-sidecar.log";
            sidecars.add(ChildProcess.start(name, launcher.command(SIDECAR_JVM, args), Map.of(), logs.resolve(log)));
        }
    }

    private List<String> sidecarArgs(MeshPlan.Member member) {
        List<String> args = new ArrayList<>(List.of("proxy", "--config", source.config().toString()));
        args.addAll(portArgs(member));
        return args;
    }

    private static List<String> portArgs(MeshPlan.Member member) {
        MeshPlan.SidecarPorts ports = member.sidecar();
        return List.of(
                "--service", member.service(),
                "--app-port", Integer.toString(ports.app()),
                "--outbound-port", Integer.toString(ports.outbound()),
                "--inbound-port", Integer.toString(ports.inbound()),
                "--admin-port", Integer.toString(ports.admin()));
    }

    private static List<String> appArgs(AppSpec app, long parentPid) {
        return List.of("demo-app",
                "--app", app.kind().name().toLowerCase(Locale.ROOT),
                "--port", Integer.toString(app.port()),
                "--app-version", app.version(),
                "--outbound", app.outbound(),
                "--slow-percent", Integer.toString(app.slowness().percent()),
                "--slow-ms", Long.toString(app.slowness().delay().toMillis()),
                "--parent-pid", Long.toString(parentPid));
    }

    /** Waits until every service accepts connections and every sidecar's /ready answers 200. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting = notReady();
        while (!waiting.isEmpty()) {
            failIfAnyExited();
            if (System.nanoTime() > deadline) {
                throw new DemoException("not ready after " + timeout.toSeconds() + "s: " + String.join(", ", waiting)
                        + "; see the logs in " + logs);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted while starting");
            }
            waiting = notReady();
        }
    }

    private List<String> notReady() {
        List<String> waiting = new ArrayList<>();
        if (source.controlPlane() && !source.api().isReady()) {
            waiting.add("control plane");
        }
        for (MeshPlan.Member member : plan.members()) {
            if (member.app().isPresent() && !listening(member.sidecar().app())) {
                waiting.add(member.service());
            }
            if (!admin.isReady(member.sidecar().admin())) {
                waiting.add(member.service() + " sidecar");
            }
        }
        return waiting;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @throws DemoException naming the first process that exited, with the end of its log */
    void failIfAnyExited() {
        for (ChildProcess child : all()) {
            if (!child.isAlive()) {
                throw new DemoException(child.name() + " exited with code " + child.exitValue() + "; its log "
                        + child.log() + " ends with:\n" + child.tail(15));
            }
        }
    }

    /** Processes that have exited, described for a warning. */
    List<String> exited() {
        List<String> gone = new ArrayList<>();
        for (ChildProcess child : all()) {
            if (!child.isAlive()) {
                gone.add(child.name() + " exited with code " + child.exitValue() + " (log: " + child.log() + ")");
            }
        }
        return gone;
    }

    /** How many JVMs run: under {@code trellis run}, each service is a JVM of its own beside its sidecar's. */
    int count() {
        long services = plan.members().stream().filter(m -> m.app().isPresent()).count();
        return all().size() + (source.controlPlane() ? (int) services : 0);
    }

    /**
     * Sidecars get POST /shutdown (under {@code trellis run} that stops the service too) and services SIGTERM;
     * the control plane stops last, once no sidecar needs it; whatever has not exited after a grace period is
     * killed.
     */
    @Override
    public void close() {
        for (MeshPlan.Member member : plan.members()) {
            admin.shutdown(member.sidecar().admin());
        }
        apps.forEach(ChildProcess::terminate);
        apps.forEach(app -> app.awaitExit(Duration.ofSeconds(5)));
        Duration grace = source.controlPlane() ? Duration.ofSeconds(10) : Duration.ofSeconds(3);
        for (ChildProcess sidecar : sidecars) {
            if (!sidecar.waitFor(grace)) {
                sidecar.stop(Duration.ofSeconds(5));
            }
        }
        ChildProcess cp = controlPlane;
        if (cp != null) {
            cp.stop(Duration.ofSeconds(5));
        }
    }

    private List<ChildProcess> all() {
        List<ChildProcess> all = concat(apps, sidecars);
        ChildProcess cp = controlPlane;
        return cp == null ? all : concat(all, List.of(cp));
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }
}
