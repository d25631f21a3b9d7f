package dev.trellis.controlplane.telemetry;

import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.controlplane.xds.ProxyStream;
import dev.trellis.controlplane.xds.ProxyStreams;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /** A Trellis sidecar's stream that told its admin port; empty for other xDS clients. */
    public static Optional<ProxyTarget> of(ProxyStream s) {
        return s.identity().filter(i -> i.adminPort() > 0).map(i -> new ProxyTarget(s.id(), s.node().getId(),
                i.proxy().serviceName(), i.proxy().namespace(), adminAddress(i), s.openedAt()));
    }

    /** Every scrapable proxy connected now. */
    public static List<ProxyTarget> of(ProxyStreams streams) {
        return streams.streams().stream().map(ProxyTarget::of).flatMap(Optional::stream).toList();
    }

    /** "address:adminPort"; a proxy that did not say its address is local to the control plane. */
    public static String adminAddress(NodeIdentity i) {
        String host = i.address().isEmpty() ? "127.0.0.1" : i.address();
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + i.adminPort();
    }
}
