package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A mesh service (trellis.dev/v1alpha1 Service).
 *
 * @param port      the port callers name (Host: catalog:8080); for tcp services also the local port the
 *                  outbound proxy listens on
 * @param selector  picks registered instances by their labels (empty: static endpoints only)
 * @param endpoints static instances
 * @param rateLimit local rate limit of the inbound side of every instance, or null
 * @param dnsRefresh how often the control plane re-resolves endpoint hosts that are DNS names, &gt; 0
 */
public record Service(
        Metadata metadata,
        Location location,
        Protocol protocol,
        int port,
        Map<String, String> selector,
        List<Endpoint> endpoints,
        RateLimit rateLimit,
        Duration dnsRefresh) implements Resource {

    public static final String KIND = "Service";
    public static final String API_VERSION = "trellis.dev/v1alpha1";
    public static final Duration DEFAULT_DNS_REFRESH = Duration.ofSeconds(30);

    public Service {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(protocol, "protocol");
        selector = Map.copyOf(selector);
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(dnsRefresh, "dnsRefresh");
        if (dnsRefresh.isNegative() || dnsRefresh.isZero()) {
            throw new IllegalArgumentException("dnsRefresh: " + dnsRefresh + " (expected: > 0)");
        }
    }

    public Service(Metadata metadata, Location location, Protocol protocol, int port, Map<String, String> selector,
                   List<Endpoint> endpoints, RateLimit rateLimit) {
        this(metadata, location, protocol, port, selector, endpoints, rateLimit, DEFAULT_DNS_REFRESH);
    }

    public Service(Metadata metadata, Location location, Protocol protocol, int port, Map<String, String> selector,
                   List<Endpoint> endpoints) {
        this(metadata, location, protocol, port, selector, endpoints, null);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * One static instance.
     *
     * @param weight relative share of traffic, &gt; 0
     * @param meshed a Trellis sidecar answers at this address (the proxy speaks HTTP/2 to it)
     */
    public record Endpoint(String host, int port, Map<String, String> labels, int weight, boolean meshed) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
            labels = Map.copyOf(labels);
        }
    }
}
