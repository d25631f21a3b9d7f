package dev.trellis.proxy.config;

import java.util.Map;
import java.util.Objects;

/**
 * One instance of a service.
 *
 * @param host   an IP literal or a host name (resolved at connect time)
 * @param weight relative share of traffic, &gt; 0
 * @param meshed a Trellis sidecar answers at this address: speak multiplexed HTTP/2 to it
 */
public record Endpoint(String host, int port, int weight, Map<String, String> labels, boolean meshed) {
    public Endpoint {
        Objects.requireNonNull(host, "host");
        labels = Map.copyOf(labels);
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        if (weight <= 0) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
        }
    }

    public static Endpoint of(String host, int port) {
        return new Endpoint(host, port, 1, Map.of(), false);
    }

    /** "host:port", the endpoint's identity in pools, load balancers and metrics. */
    public String authority() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
