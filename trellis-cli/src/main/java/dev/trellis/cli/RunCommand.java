package dev.trellis.cli;

import dev.trellis.proxy.ProxyOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code trellis run}: an application with its sidecar, for plain processes. The sidecar starts first
 * and the application only once the sidecar is ready; SIGTERM, SIGINT and SIGHUP go to the application
 * while the sidecar keeps serving; when the application exits, the sidecar deregisters, drains and
 * exits with the application's exit code.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run an application with its sidecar: trellis run --service NAME --app-port N -- CMD [ARGS...]",
                "The application finds its outbound listener in the environment: TRELLIS_OUTBOUND=127.0.0.1:PORT"
                        + " (send requests there with Host: <service>). Signals go to the application; when it exits the"
                        + " sidecar drains and the command exits with the application's code."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    static final class Source {
        @Option(names = "--control-plane", paramLabel = "HOST:PORT", description = "The control plane's xDS server (default: 127.0.0.1:15010).")
        String controlPlane;

        @Option(names = "--config", paramLabel = "FILE", description = "Standalone mode: the mesh's YAML resources instead of a control plane.")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source = new Source();

    @Option(names = "--service", required = true, description = "The service the application is an instance of.")
    String service;

    @Option(names = "--namespace", defaultValue = "default", description = "The service's namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--app-port", required = true, description = "The port the application listens on (127.0.0.1); inbound traffic goes there.")
    int appPort;

    @Mixin
    SidecarListenerOptions listeners;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long in-flight requests may finish once the application has exited (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of this instance (repeatable), e.g. --label version=v2.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--advertise-address", paramLabel = "ADDRESS",
            description = "Where other sidecars reach this one (default: the bind address, 127.0.0.1 for a wildcard).")
    String advertiseAddress;

    @Option(names = "--shutdown-delay", defaultValue = "1s", converter = DurationConverter.class,
            description = "After deregistering, how long the sidecar keeps serving before it drains (default: ${DEFAULT-VALUE}).")
    Duration shutdownDelay;

    @Option(names = "--ready-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to wait for the sidecar's first configuration before giving up (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout;

    @Mixin
    SidecarIdentityOptions identity;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The application's command line (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        String controlPlane = source.config != null ? null : source.controlPlane != null ? source.controlPlane : "127.0.0.1:15010";
        ProxyOptions.Builder options = listeners.applyTo(ProxyOptions.builder(service)).namespace(namespace).appPort(appPort)
                .identity(identity.source(controlPlane, service, namespace))
                .drainTimeout(drainTimeout);
        Sidecar sidecar;
        try {
            sidecar = source.config != null
                    ? Sidecar.standalone(options.build(), source.config)
                    : Sidecar.controlPlane(options.build(), controlPlane, labels, advertiseAddress, shutdownDelay, true);
        } catch (RuntimeException e) {
            System.err.println("trellis run: " + e.getMessage());
            return 1;
        }
        if (!sidecar.awaitReady(readyTimeout)) {
            System.err.println("trellis run: the sidecar got no configuration within " + readyTimeout + "; not starting " + command.get(0));
            sidecar.stop();
            return 1;
        }
        Process app;
        try {
            app = start(sidecar.proxy().outboundPort(), sidecar.proxy().adminPort());
        } catch (IOException e) {
            System.err.println("trellis run: cannot start " + String.join(" ", command) + ": " + e.getMessage());
            sidecar.stop();
            return 127;
        }
        log.info("{} started (pid {}); outbound at 127.0.0.1:{}", command.get(0), app.pid(), sidecar.proxy().outboundPort());
        registerWhenListening(sidecar, app);
        for (String name : List.of("TERM", "INT", "HUP")) {
            Signal.handle(new Signal(name), s -> forward(app, s.getName()));
        }
        // the sidecar stopping on its own (POST /shutdown) stops the application too
        sidecar.proxy().terminated().thenRun(() -> forward(app, "TERM"));
        int code = app.waitFor();
        log.info("{} exited with {}; the sidecar drains", command.get(0), code);
        sidecar.stop();
        return code;
    }

    /**
     * Callers are sent to this instance only once the application accepts connections, so a starting
     * instance never costs a request. An application that never listens (a batch job) is never registered.
     */
    private void registerWhenListening(Sidecar sidecar, Process app) {
        Thread t = new Thread(() -> {
            while (app.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), appPort), 200);
                    sidecar.register();
                    return;
                } catch (IOException e) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "trellis-await-app");
        t.setDaemon(true);
        t.start();
    }

    private Process start(int outbound, int admin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = pb.environment();
        env.put("TRELLIS_OUTBOUND", "127.0.0.1:" + outbound);
        env.put("TRELLIS_SERVICE", service);
        env.put("TRELLIS_ADMIN", "127.0.0.1:" + admin);
        // calls to the sidecar must not detour through an HTTP proxy the environment names
        for (String key : List.of("NO_PROXY", "no_proxy")) {
            String current = env.get(key);
            env.put(key, current == null || current.isBlank() ? "127.0.0.1,localhost" : current + ",127.0.0.1,localhost");
        }
        return pb.start();
    }

    private static void forward(Process app, String signal) {
        if (!app.isAlive()) {
            return;
        }
        log.info("forwarding SIG{} to the application (pid {}); the sidecar serves until it exits", signal, app.pid());
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(app.pid())).inheritIO().start();
        } catch (IOException e) {
            app.destroy(); // SIGTERM
        }
    }
}
