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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo's child processes: one JVM per demo service and one per sidecar, each logging to its own file. It
 * starts them, waits until every service listens and every sidecar reports ready, and stops them all.
 */
final class MeshProcesses implements AutoCloseable {
    /** Small JVMs: nine of them share the machine, and a demo needs no peak throughput. */
    private static final List<String> COMMON_JVM =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xshare:auto");
    private static final List<String> SIDECAR_JVM = concat(List.of("-Xms32m", "-Xmx128m"), COMMON_JVM);
    private static final List<String> APP_JVM = concat(List.of("-Xms16m", "-Xmx96m"), COMMON_JVM);

    private final MeshPlan plan;
    private final Path config;
    private final Path logs;
    private final JavaLauncher launcher;
    private final AdminClient admin;
    private final List<ChildProcess> apps = new CopyOnWriteArrayList<>();
    private final List<ChildProcess> sidecars = new CopyOnWriteArrayList<>();

    MeshProcesses(MeshPlan plan, Path config, Path logs, JavaLauncher launcher, AdminClient admin) {
        this.plan = plan;
        this.config = config;
        this.logs = logs;
        this.launcher = launcher;
        this.admin = admin;
    }

    void start() {
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

    private List<String> sidecarArgs(MeshPlan.Member member) {
        MeshPlan.SidecarPorts ports = member.sidecar();
        return List.of("proxy",
                "--config", config.toString(),
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

    int count() {
        return apps.size() + sidecars.size();
    }

    /** Sidecars get POST /shutdown and services SIGTERM; whatever has not exited after a grace period is killed. */
    @Override
    public void close() {
        for (MeshPlan.Member member : plan.members()) {
            admin.shutdown(member.sidecar().admin());
        }
        apps.forEach(ChildProcess::terminate);
        apps.forEach(app -> app.awaitExit(Duration.ofSeconds(5)));
        for (ChildProcess sidecar : sidecars) {
            if (!sidecar.waitFor(Duration.ofSeconds(3))) {
                sidecar.stop(Duration.ofSeconds(5));
            }
        }
    }

    private List<ChildProcess> all() {
        return concat(apps, sidecars);
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }
}
