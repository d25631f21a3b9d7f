package dev.trellis.cli;

import dev.trellis.config.xds.ProxyNode;
import dev.trellis.proxy.Proxy;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.xds.ConfigSource;
import dev.trellis.proxy.xds.StandaloneConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trellis proxy}: the sidecar, configured from a local file (standalone) or the control plane. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the sidecar proxy beside one service instance.")
final class ProxyCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "Standalone mode: the mesh's YAML resources (a file or a directory); reloaded on change.")
        Path config;

        @Option(names = "--control-plane", paramLabel = "HOST:PORT", description = "Fetch configuration from the control plane over xDS.")
        String controlPlane;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--service", required = true, description = "The service this sidecar stands beside.")
    String service;

    @Option(names = "--namespace", defaultValue = "default", description = "The service's namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--app-port", defaultValue = "0", description = "The local application's port; inbound traffic goes there.")
    int appPort;

    @Mixin
    SidecarListenerOptions listeners;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "On SIGTERM or POST /shutdown, how long in-flight requests may finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
            description = "A label of this instance (repeatable), e.g. --label version=v2; Service selectors pick instances by label. Control plane mode.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--advertise-address", paramLabel = "ADDRESS",
            description = "Where other sidecars reach this one, registered with the control plane (default: the bind address, 127.0.0.1 for a wildcard).")
    String advertiseAddress;

    @Option(names = "--shutdown-delay", defaultValue = "1s", converter = DurationConverter.class,
            description = "Control plane mode: after deregistering on shutdown, keep serving this long so callers learn the instance is gone, then drain (default: ${DEFAULT-VALUE}).")
    Duration shutdownDelay;

    @Mixin
    SidecarIdentityOptions identity;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Start, apply the configuration, then stop: a training run for the class-data archive.")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        ProxyOptions.Builder options = listeners.applyTo(ProxyOptions.builder(service)).namespace(namespace).appPort(appPort)
                .identity(identity.source(source.controlPlane, service, namespace))
                .drainTimeout(drainTimeout);
        if (source.controlPlane != null) {
            Sidecar sidecar;
            try {
                sidecar = Sidecar.controlPlane(options.build(), source.controlPlane, labels, advertiseAddress, shutdownDelay, false);
            } catch (RuntimeException e) {
                System.err.println("trellis proxy: " + e.getMessage());
                return 1;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(sidecar::stop, "trellis-shutdown"));
            sidecar.proxy().terminated().join();
            return 0;
        }
        ConfigSource config = new StandaloneConfigSource(source.config, new ProxyNode(service, namespace, appPort));
        Proxy proxy = Proxy.start(options.build());
        String label = "file:" + source.config.toAbsolutePath();
        try {
            config.start(snapshot -> proxy.apply(snapshot, label));
        } catch (RuntimeException e) {
            System.err.println("trellis proxy: " + e.getMessage());
            proxy.drainAndStop();
            return 1;
        }
        if (exitWhenReady) {
            proxy.drainAndStop();
            closeQuietly(config);
            return 0;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.drainAndStop();
            closeQuietly(config);
        }, "trellis-shutdown"));
        proxy.terminated().join();
        closeQuietly(config);
        return 0;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down
        }
    }
}
