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
 * @param circuitBreakers  limits on connections, pending, active requests and retries
 * @param retryBudget      how much retries may add to the request rate
 * @param outlierDetection passive health checking, or null for none
 * @param healthCheck      active health checking, or null for none
 * @param tls              mutual TLS towards the cluster's meshed endpoints, or null for plaintext
 */
public record ClusterConfig(
        String name,
        String service,
        UpstreamProtocol protocol,
        LbPolicy lbPolicy,
        Duration connectTimeout,
        Duration idleTimeout,
        CircuitBreakers circuitBreakers,
        RetryBudget retryBudget,
        OutlierDetection outlierDetection,
        HealthCheck healthCheck,
        UpstreamTls tls) {

    public ClusterConfig(String name, String service, UpstreamProtocol protocol, LbPolicy lbPolicy, Duration connectTimeout,
                         Duration idleTimeout) {
        this(name, service, protocol, lbPolicy, connectTimeout, idleTimeout, CircuitBreakers.DEFAULT, RetryBudget.DEFAULT,
                OutlierDetection.DEFAULT, null);
    }

    /** Plaintext towards every endpoint. */
    public ClusterConfig(String name, String service, UpstreamProtocol protocol, LbPolicy lbPolicy, Duration connectTimeout,
                         Duration idleTimeout, CircuitBreakers circuitBreakers, RetryBudget retryBudget,
                         OutlierDetection outlierDetection, HealthCheck healthCheck) {
        this(name, service, protocol, lbPolicy, connectTimeout, idleTimeout, circuitBreakers, retryBudget, outlierDetection,
                healthCheck, null);
    }

    public ClusterConfig withTls(UpstreamTls tls) {
        return new ClusterConfig(name, service, protocol, lbPolicy, connectTimeout, idleTimeout, circuitBreakers, retryBudget,
                outlierDetection, healthCheck, tls);
    }

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
        Objects.requireNonNull(circuitBreakers, "circuitBreakers");
        Objects.requireNonNull(retryBudget, "retryBudget");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("cluster " + name + ": connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
    }

    public static ClusterConfig of(String name, UpstreamProtocol protocol) {
        return new ClusterConfig(name, name, protocol, LbPolicy.PEAK_EWMA, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }
}
