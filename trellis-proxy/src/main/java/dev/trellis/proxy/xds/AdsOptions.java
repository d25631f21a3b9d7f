package dev.trellis.proxy.xds;

import dev.trellis.config.xds.NodeIdentity;
import java.time.Duration;
import java.util.Objects;

/**
 * How the proxy talks to the control plane.
 *
 * @param host            the control plane's xDS server
 * @param identity        what the proxy tells it about itself (node metadata; registration)
 * @param backoffBase     first reconnection delay
 * @param backoffMax      longest reconnection delay
 * @param warmingReport   how long an incomplete configuration may wait before it is reported in the log
 */
public record AdsOptions(String host, int port, NodeIdentity identity, Duration backoffBase, Duration backoffMax,
                         Duration warmingReport) {
    public AdsOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(warmingReport, "warmingReport");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    public static AdsOptions of(String hostPort, NodeIdentity identity) {
        int colon = hostPort.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("control plane: " + hostPort + " (expected: HOST:PORT, e.g. 127.0.0.1:15010)");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new AdsOptions(host, port, identity, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    public String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
