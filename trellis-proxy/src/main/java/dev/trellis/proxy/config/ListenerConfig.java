package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One listener of the proxy. The OUTBOUND and INBOUND listeners bind the ports given on the command line
 * (their {@code port} here is informational, 0 when unknown); OUTBOUND_TCP listeners bind {@code port}
 * on the outbound address and forward opaque bytes to {@code tcpCluster}.
 *
 * @param protocol        HTTP: detect HTTP/1 or HTTP/2 (detection times out into TCP when
 *                        {@code detectProtocol}); TCP: opaque bytes, no detection (server-first protocols)
 * @param routeTable      for HTTP listeners: the {@link RouteTable} name
 * @param tcpCluster      for TCP listeners, and for inbound connections detected as opaque TCP
 * @param detectTimeout   how long to wait for the first bytes before treating a connection as opaque TCP
 * @param tlsMode         whether connections must, may or must not be mutual TLS (inbound listeners)
 * @param authorization   who may call what (inbound HTTP listeners); {@link Authorization#NONE} allows all
 * @param telemetry       tracing and access logging of an HTTP listener's requests
 * @param idleTimeouts    how long an HTTP listener's connections and requests may sit idle
 */
public record ListenerConfig(
        String name,
        Direction direction,
        int port,
        ListenerProtocol protocol,
        String routeTable,
        String tcpCluster,
        boolean detectProtocol,
        Duration detectTimeout,
        TlsMode tlsMode,
        Authorization authorization,
        ListenerTelemetry telemetry,
        IdleTimeouts idleTimeouts) {

    public enum Direction { OUTBOUND, INBOUND }

    public enum ListenerProtocol { HTTP, TCP }

    public static final Duration DEFAULT_DETECT_TIMEOUT = Duration.ofSeconds(1);

    /** A plaintext listener. */
    public ListenerConfig(String name, Direction direction, int port, ListenerProtocol protocol, String routeTable,
                          String tcpCluster, boolean detectProtocol, Duration detectTimeout) {
        this(name, direction, port, protocol, routeTable, tcpCluster, detectProtocol, detectTimeout, TlsMode.DISABLE);
    }

    /** No authorization policy. */
    public ListenerConfig(String name, Direction direction, int port, ListenerProtocol protocol, String routeTable,
                          String tcpCluster, boolean detectProtocol, Duration detectTimeout, TlsMode tlsMode) {
        this(name, direction, port, protocol, routeTable, tcpCluster, detectProtocol, detectTimeout, tlsMode, Authorization.NONE);
    }

    /** No tracing or access log. */
    public ListenerConfig(String name, Direction direction, int port, ListenerProtocol protocol, String routeTable,
                          String tcpCluster, boolean detectProtocol, Duration detectTimeout, TlsMode tlsMode,
                          Authorization authorization) {
        this(name, direction, port, protocol, routeTable, tcpCluster, detectProtocol, detectTimeout, tlsMode, authorization,
                ListenerTelemetry.NONE);
    }

    /** Envoy's default idle timeouts. */
    public ListenerConfig(String name, Direction direction, int port, ListenerProtocol protocol, String routeTable,
                          String tcpCluster, boolean detectProtocol, Duration detectTimeout, TlsMode tlsMode,
                          Authorization authorization, ListenerTelemetry telemetry) {
        this(name, direction, port, protocol, routeTable, tcpCluster, detectProtocol, detectTimeout, tlsMode, authorization,
                telemetry, IdleTimeouts.DEFAULT);
    }

    public ListenerConfig withIdleTimeouts(IdleTimeouts timeouts) {
        return new ListenerConfig(name, direction, port, protocol, routeTable, tcpCluster, detectProtocol, detectTimeout, tlsMode,
                authorization, telemetry, timeouts);
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(idleTimeouts, "idleTimeouts");
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(detectTimeout, "detectTimeout");
        Objects.requireNonNull(tlsMode, "tlsMode");
        Objects.requireNonNull(authorization, "authorization");
        if (protocol == ListenerProtocol.HTTP && routeTable == null) {
            throw new IllegalArgumentException("listener " + name + ": routeTable: null (expected: a route table for an HTTP listener)");
        }
        if (protocol == ListenerProtocol.TCP && tcpCluster == null) {
            throw new IllegalArgumentException("listener " + name + ": tcpCluster: null (expected: a cluster for a TCP listener)");
        }
    }
}
