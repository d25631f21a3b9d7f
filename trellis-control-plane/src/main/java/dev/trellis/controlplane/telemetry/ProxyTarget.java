package dev.trellis.controlplane.telemetry;

import java.time.Instant;
import java.util.Objects;

/**
 * A proxy to scrape: one open xDS stream of a Trellis sidecar that told its admin port.
 *
 * @param stream       the xDS stream's id: a proxy that reconnects is a new target with fresh counters
 * @param node         its node id
 * @param adminAddress "host:port" of its admin server
 */
public record ProxyTarget(long stream, String node, String service, String namespace, String adminAddress, Instant connectedAt) {
    public ProxyTarget {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(adminAddress, "adminAddress");
        Objects.requireNonNull(connectedAt, "connectedAt");
    }
}
