package dev.trellis.proxy.telemetry.accesslog;

import dev.trellis.proxy.telemetry.RequestOutcome;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What is known about one finished request, for access logs and taps. Immutable, so it can leave the event loop.
 *
 * @param startMillis  wall-clock time the request head arrived
 * @param direction    "inbound" or "outbound"
 * @param protocol     "HTTP/1.1", "HTTP/1.0" or "HTTP/2"
 * @param path         the request target as received (path and query)
 * @param remote       the caller's address
 * @param peerIdentity the caller's SPIFFE ID over mutual TLS, else null
 * @param traceId      from the last attempt's trace headers, else from the request's, else null
 * @param dstService   the destination service of the matched virtual host, null without one
 * @param route        the matched route, null without one
 * @param cluster      the cluster picked, null without one
 */
public record RequestRecord(
        long startMillis,
        String direction,
        String method,
        String authority,
        String path,
        String protocol,
        SocketAddress remote,
        String peerIdentity,
        String userAgent,
        String requestId,
        String traceId,
        String dstService,
        String route,
        String cluster,
        RequestOutcome outcome) {

    /** "127.0.0.1:50412" or "[::1]:50412"; null when unknown. */
    public String remoteAddress() {
        if (remote instanceof InetSocketAddress a) {
            String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
        return remote == null ? null : remote.toString();
    }

    /** Envoy's response flags for this request, "-" when nothing went wrong. */
    public String responseFlags() {
        return ResponseFlags.of(outcome.proxyError(), outcome.aborted());
    }

    /** The grpc-status sent as a number, or null. */
    public Integer grpcStatus() {
        String s = outcome.grpcStatus();
        if (s == null) {
            return null;
        }
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
