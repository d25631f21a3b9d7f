package dev.trellis.cli;

import dev.trellis.proxy.ProxyOptions;
import picocli.CommandLine.Option;

/** The sidecar's listener flags, shared by {@code proxy} and {@code run}. */
final class SidecarListenerOptions {
    @Option(names = "--outbound-port", defaultValue = "4140", description = "Outbound listener (default: ${DEFAULT-VALUE}).")
    int outboundPort;

    @Option(names = "--inbound-port", defaultValue = "4143", description = "Inbound listener (default: ${DEFAULT-VALUE}).")
    int inboundPort;

    @Option(names = "--admin-port", defaultValue = "4191", description = "Admin listener (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address the listeners bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--workers", defaultValue = "0", description = "Event loop threads (default: one per core).")
    int workers;

    /** Applies these flags to a proxy's options. */
    ProxyOptions.Builder applyTo(ProxyOptions.Builder options) {
        options.bindAddress(bind).outboundPort(outboundPort).inboundPort(inboundPort).adminPort(adminPort);
        if (workers > 0) {
            options.workers(workers);
        }
        return options;
    }
}
