package dev.trellis.cli;

import dev.trellis.demo.app.AppKind;
import dev.trellis.demo.app.AppSpec;
import dev.trellis.demo.app.RunningApp;
import dev.trellis.demo.app.Slowness;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** One demo service in the foreground, as {@code trellis demo} starts each of them. */
@Command(name = "demo-app", hidden = true, mixinStandardHelpOptions = true,
        description = "Run one demo service (web, catalog or recommend) on 127.0.0.1.")
final class DemoAppCommand implements Callable<Integer> {

    @Option(names = "--app", required = true, paramLabel = "NAME", description = "web, catalog or recommend.")
    AppKind app;

    @Option(names = "--port", required = true, paramLabel = "N", description = "Port to listen on (0: any free).")
    int port;

    @Option(names = "--app-version", defaultValue = "v1", paramLabel = "V",
            description = "Version the service reports (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--outbound", paramLabel = "HOST:PORT",
            description = "The local sidecar's outbound address (default: env TRELLIS_OUTBOUND, else 127.0.0.1:4140).")
    String outbound;

    @Option(names = "--slow-percent", defaultValue = "0", paramLabel = "P",
            description = "Share of requests answered late, 0..100 (default: ${DEFAULT-VALUE}).")
    int slowPercent;

    @Option(names = "--slow-ms", defaultValue = "0", paramLabel = "MS", description = "How late (default: ${DEFAULT-VALUE}).")
    long slowMillis;

    @Option(names = "--parent-pid", paramLabel = "PID", description = "Exit when this process exits.")
    Long parentPid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        String sidecar = outbound != null ? outbound : System.getenv().getOrDefault("TRELLIS_OUTBOUND", "127.0.0.1:4140");
        AppSpec app;
        try {
            app = new AppSpec(this.app, port, version, sidecar, new Slowness(slowPercent, Duration.ofMillis(slowMillis)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        RunningApp running = app.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "demo-app-stop"));
        if (parentPid != null) {
            // no orphans: a demo that was killed outright cannot stop its children itself
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> System.exit(0)),
                    () -> System.exit(0));
        }
        System.out.printf(Locale.ROOT, "demo-app %s %s listening on 127.0.0.1:%d, outbound via %s%n",
                app.kind().name().toLowerCase(Locale.ROOT), version, running.port(), sidecar);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
