package dev.trellis.config.xds;

import java.util.Map;
import java.util.Objects;

/**
 * An instance known from outside the YAML (a proxy that registered itself, a Kubernetes endpoint);
 * a Service whose selector its labels satisfy gets it as an endpoint.
 *
 * @param meshed a Trellis sidecar answers at this address
 */
public record Instance(String namespace, String host, int port, Map<String, String> labels, int weight, boolean meshed) {
    public Instance {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(host, "host");
        labels = Map.copyOf(labels);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight <= 0) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
        }
    }
}
