package dev.trellis.controlplane.telemetry;

import java.util.Objects;

/**
 * The dimensions the control plane aggregates a proxy's HTTP series by; every other label (status code,
 * TLS, client identity, ...) is summed over.
 *
 * @param direction   "inbound" or "outbound"
 * @param source      src_service: the service of the proxy that counted
 * @param destination dst_service
 * @param route       the route's name ("catalog-split/0", "default", "unmatched", ...)
 */
public record TrafficKey(String direction, String source, String destination, String route) {
    public static final String INBOUND = "inbound";
    public static final String OUTBOUND = "outbound";

    public TrafficKey {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(route, "route");
    }

    static TrafficKey of(MetricSample s) {
        return new TrafficKey(s.label("direction"), s.label("src_service"), s.label("dst_service"), s.label("route"));
    }
}
