package dev.trellis.config.load;

import dev.trellis.config.resource.TrafficPolicy;
import dev.trellis.config.resource.TrafficPolicy.CircuitBreakers;
import dev.trellis.config.resource.TrafficPolicy.LoadBalancer;
import dev.trellis.config.resource.TrafficPolicy.OutlierDetection;
import dev.trellis.config.yaml.Fields;
import java.time.Duration;

/**
 * Reads an Istio DestinationRule's {@code trafficPolicy} into a {@link TrafficPolicy}, field by field as Istio maps
 * them onto Envoy:
 * <ul>
 * <li>{@code loadBalancer.simple}: ROUND_ROBIN, LEAST_REQUEST (LEAST_CONN, its old name), UNSPECIFIED (the default);</li>
 * <li>{@code connectionPool.tcp}: maxConnections, connectTimeout; {@code connectionPool.http}: http1MaxPendingRequests,
 *     http2MaxRequests, maxRetries (the circuit breakers) and idleTimeout;</li>
 * <li>{@code outlierDetection}: consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime,
 *     maxEjectionPercent, minHealthPercent (the panic threshold), with Istio's defaults for those left out.</li>
 * </ul>
 * A section left out keeps Trellis's default, as it would without a rule. Fields with no Trellis counterpart are
 * refused with the reason, rather than silently ignored.
 */
final class IstioTrafficPolicyReader {
    private static final int MAX = Integer.MAX_VALUE;
    /** Istio's outlier detection defaults: 5 consecutive 5xx, gateway errors not counted, 10% ejected at most. */
    static final OutlierDetection ISTIO_OUTLIER_DEFAULTS = new OutlierDetection(5, 0, Duration.ofSeconds(10),
            Duration.ofSeconds(30), 10, 0, null);

    private IstioTrafficPolicyReader() {}

    /** @param spec the rule's spec, which has a trafficPolicy */
    static TrafficPolicy read(Fields spec) {
        Fields tp = spec.object("trafficPolicy", "loadBalancer", "connectionPool", "outlierDetection", "tls",
                "portLevelSettings", "tunnel", "proxyProtocol");
        if (tp.has("tls")) {
            throw tp.error("tls", "not supported (expected: none; mutual TLS between sidecars follows PeerAuthentication)");
        }
        for (String unsupported : new String[] {"portLevelSettings", "tunnel", "proxyProtocol"}) {
            if (tp.has(unsupported)) {
                throw tp.error(unsupported, "not supported (expected: one of loadBalancer, connectionPool, outlierDetection)");
            }
        }
        TrafficPolicy d = TrafficPolicy.DEFAULT;
        Duration connectTimeout = d.connectTimeout();
        Duration idleTimeout = d.idleTimeout();
        CircuitBreakers breakers = d.circuitBreakers();
        if (tp.has("connectionPool")) {
            Fields pool = tp.object("connectionPool", "tcp", "http");
            Fields tcp = pool.has("tcp") ? pool.object("tcp", "maxConnections", "connectTimeout") : null;
            Fields http = pool.has("http") ? pool.object("http", "http1MaxPendingRequests", "http2MaxRequests", "maxRetries",
                    "idleTimeout") : null;
            CircuitBreakers b = CircuitBreakers.DEFAULT;
            breakers = new CircuitBreakers(
                    tcp == null ? b.maxConnections() : tcp.integer("maxConnections", b.maxConnections(), 1, MAX),
                    http == null ? b.maxPendingRequests() : http.integer("http1MaxPendingRequests", b.maxPendingRequests(), 1, MAX),
                    http == null ? b.maxRequests() : http.integer("http2MaxRequests", b.maxRequests(), 1, MAX),
                    http == null ? b.maxRetries() : http.integer("maxRetries", b.maxRetries(), 1, MAX));
            connectTimeout = tcp == null ? connectTimeout : tcp.positiveDuration("connectTimeout", connectTimeout);
            idleTimeout = http == null ? idleTimeout : http.positiveDuration("idleTimeout", idleTimeout);
        }
        return new TrafficPolicy(tp.has("loadBalancer") ? loadBalancer(tp) : d.loadBalancer(), connectTimeout, idleTimeout,
                breakers, tp.has("outlierDetection") ? outlierDetection(tp) : d.outlierDetection(), d.retryBudget(), null);
    }

    private static LoadBalancer loadBalancer(Fields tp) {
        Fields lb = tp.object("loadBalancer", "simple");
        if (!lb.has("simple")) {
            return TrafficPolicy.DEFAULT.loadBalancer();
        }
        return switch (lb.string("simple")) {
            case "ROUND_ROBIN" -> LoadBalancer.ROUND_ROBIN;
            case "LEAST_REQUEST", "LEAST_CONN" -> LoadBalancer.LEAST_REQUEST;
            case "UNSPECIFIED" -> TrafficPolicy.DEFAULT.loadBalancer();
            default -> throw lb.invalid("simple", "ROUND_ROBIN, LEAST_REQUEST (or LEAST_CONN) or UNSPECIFIED");
        };
    }

    private static OutlierDetection outlierDetection(Fields tp) {
        Fields f = tp.object("outlierDetection", "consecutive5xxErrors", "consecutiveGatewayErrors", "interval",
                "baseEjectionTime", "maxEjectionPercent", "minHealthPercent");
        OutlierDetection d = ISTIO_OUTLIER_DEFAULTS;
        return new OutlierDetection(
                f.integer("consecutive5xxErrors", d.consecutive5xx(), 0, MAX),
                f.integer("consecutiveGatewayErrors", d.consecutiveGatewayErrors(), 0, MAX),
                TrafficPolicyReader.outlierInterval(f, d.interval()),
                f.positiveDuration("baseEjectionTime", d.baseEjectionTime()),
                f.integer("maxEjectionPercent", d.maxEjectionPercent(), 0, 100),
                f.integer("minHealthPercent", d.panicThresholdPercent(), 0, 100),
                null);
    }
}
