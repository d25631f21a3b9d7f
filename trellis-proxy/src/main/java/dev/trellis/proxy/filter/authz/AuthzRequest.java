package dev.trellis.proxy.filter.authz;

import dev.trellis.proxy.tls.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * What an authorization decision looks at.
 *
 * @param principal the caller's SPIFFE ID without "spiffe://", or null for a plaintext caller
 * @param port      the application's port (the workload port the request is for)
 * @param path      without the query
 */
public record AuthzRequest(String principal, int port, String method, String path, HttpHeaders headers) {

    /** From a request read on {@code downstream} (an HTTP/1 connection or an HTTP/2 stream). */
    public static AuthzRequest of(HttpRequest request, Channel downstream, int appPort) {
        String peer = PeerIdentity.of(downstream);
        String uri = request.uri();
        int q = uri.indexOf('?');
        return new AuthzRequest(peer == null ? null : peer.substring("spiffe://".length()), appPort, request.method().name(),
                q < 0 ? uri : uri.substring(0, q), request.headers());
    }

    /** "default" of "cluster.local/ns/default/sa/web", or null. */
    String namespace() {
        if (principal == null) {
            return null;
        }
        int ns = principal.indexOf("/ns/");
        int sa = principal.indexOf("/sa/");
        return ns < 0 || sa < ns ? null : principal.substring(ns + 4, sa);
    }
}
