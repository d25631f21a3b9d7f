package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * An upstream cluster: a set of endpoints for one service, and how to talk to them.
 *
 * @param service          the service it stands for (metrics label)
 * @param protocol         what the destination application speaks; meshed endpoints are always reached
 *                         over multiplexed HTTP/2 whatever this says (except TCP)
 * @param lbPolicy         how to pick an endpoint
 * @param connectTimeout   TCP connect timeout
 * @param idleTimeout      pooled connections idle this long are closed
 */
public record ClusterConfig(
        String name,
        String service,
        UpstreamProtocol protocol,
        LbPolicy lbPolicy,
        Duration connectTimeout,
        Duration idleTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public enum UpstreamProtocol { HTTP1, HTTP2, TCP }

    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, PEAK_EWMA }

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("cluster " + name + ": connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
    }

    public static ClusterConfig of(String name, UpstreamProtocol protocol) {
        return new ClusterConfig(name, name, protocol, LbPolicy.PEAK_EWMA, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }
}
