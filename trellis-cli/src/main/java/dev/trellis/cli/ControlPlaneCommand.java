package dev.trellis.cli;

import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis control-plane}: configuration directory, registry, xDS server and REST API in one JVM. */
@Command(name = "control-plane", mixinStandardHelpOptions = true,
        description = {
                "Run the control plane: serves the YAML resources of a directory (watched; an invalid change is"
                        + " rejected with file, line and reason while the last valid configuration keeps serving)"
                        + " and the instances proxies register, to every proxy over xDS (ADS).",
                "REST API: /api/v1/resources, /api/v1/instances, /api/v1/status; the CA: /api/v1/certificates, /api/v1/trust-bundle, /api/v1/ca."})
final class ControlPlaneCommand implements Callable<Integer> {

    @Option(names = "--config-dir", required = true, paramLabel = "DIR",
            description = "Directory of YAML resources (created when missing); apply and delete write here.")
    Path configDir;

    @Option(names = "--xds-port", defaultValue = "15010", description = "xDS (gRPC ADS) port (default: ${DEFAULT-VALUE}).")
    int xdsPort;

    @Option(names = "--api-port", defaultValue = "15080", description = "REST API port (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address both servers bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--instance-ttl", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long a registered instance lives without a heartbeat, or after its proxy's stream broke (default: ${DEFAULT-VALUE}).")
    Duration instanceTtl;

    @Option(names = "--poll-interval", defaultValue = "250ms", converter = DurationConverter.class,
            description = "How often the directory is read (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--state-file", paramLabel = "FILE",
            description = "Where registered instances are saved across restarts (default: DIR/.trellis/instances.json).")
    Path stateFile;

    @Option(names = "--ca-dir", paramLabel = "DIR",
            description = "The certificate authority's directory: its root, or your own CA's files (default: DIR/.trellis/ca).")
    Path caDir;

    @Option(names = "--scrape-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often each proxy's /metrics is gathered for stat, top, the dashboard and /api/v1/stats (default: 2s).")
    Duration scrapeInterval;

    @Option(names = "--no-local-tokens",
            description = "Never hand out bootstrap tokens over POST /api/v1/tokens (by default loopback callers of an API bound to loopback get one).")
    boolean noLocalTokens;

    @Override
    public Integer call() throws InterruptedException {
        ControlPlane cp;
        try {
            ControlPlaneOptions.Builder options = ControlPlaneOptions.builder(configDir).bindAddress(bind).xdsPort(xdsPort).apiPort(apiPort)
                    .instanceTtl(instanceTtl).pollInterval(pollInterval).stateFile(stateFile).caDirectory(caDir).localTokens(!noLocalTokens);
            if (scrapeInterval != null) {
                options.scrapeInterval(scrapeInterval);
            }
            cp = ControlPlane.start(options.build());
        } catch (RuntimeException e) {
            System.err.println("trellis control-plane: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cp.close();
            stopped.countDown();
        }, "trellis-shutdown"));
        stopped.await();
        return 0;
    }
}
