package dev.trellis.controlplane.registry;

import java.util.Map;
import java.util.Objects;

/**
 * An instance announcing itself: which service it is an instance of, where it answers, its labels.
 *
 * @param meshed a Trellis sidecar answers at this address (callers speak HTTP/2 to it)
 * @param weight relative share of traffic, &gt; 0
 */
public record Registration(String service, String namespace, String address, int port, Map<String, String> labels,
                           boolean meshed, int weight) {
    public Registration {
        Objects.requireNonNull(service, "service");
        namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        if (service.isEmpty()) {
            throw new IllegalArgumentException("service: \"\" (expected: a service name)");
        }
        if (address.isEmpty()) {
            throw new IllegalArgumentException("address: \"\" (expected: an IP address or host name)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight <= 0) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
        }
    }

    /** "catalog.default@127.0.0.1:4143": registering the same address again replaces the entry. */
    public String id() {
        return service + "." + namespace + "@" + address + ":" + port;
    }
}
