package dev.trellis.proxy.config;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A route the sidecar answers itself with a redirect (Envoy's route {@code redirect}): the Location is the request's
 * URL with the parts this names replaced. The port follows Gateway API: the given one; else none (the scheme's
 * default) when the scheme changes; else the request's own. A default port (80 for http, 443 for https) is left out.
 *
 * @param scheme     "http" or "https", or null to keep the request's (http: the sidecar's listeners speak plain HTTP)
 * @param host       the new host name, or null for the request's
 * @param port       the new port, 0 for none given
 * @param path       the path change, or null to keep the path
 * @param stripQuery drop the query string rather than keep it
 * @param status     301, 302, 303, 307 or 308
 */
public record Redirect(String scheme, String host, int port, RequestRewrite.PathRewrite path, boolean stripQuery, int status) {

    public Redirect {
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new IllegalArgumentException("status: " + status + " (expected: 301, 302, 303, 307 or 308)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    /** Where the request is sent: the value of the Location header. */
    public String location(HttpRequest request) {
        String authority = request.headers().get(HttpHeaderNames.HOST, "");
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon > authority.lastIndexOf(']');
        String requestHost = hasPort ? authority.substring(0, colon) : authority;
        String requestPort = hasPort ? authority.substring(colon + 1) : "";
        String newScheme = scheme != null ? scheme : "http";
        String newPort = port > 0 ? Integer.toString(port) : scheme != null ? "" : requestPort;
        if ((newScheme.equals("http") && newPort.equals("80")) || (newScheme.equals("https") && newPort.equals("443"))) {
            newPort = "";
        }
        String uri = request.uri();
        int q = uri.indexOf('?');
        String oldPath = q < 0 ? uri : uri.substring(0, q);
        String newPath = path == null ? oldPath : path.rewrite(oldPath);
        if (newPath.isEmpty()) {
            newPath = "/";
        }
        StringBuilder out = new StringBuilder(newScheme).append("://").append(host != null ? host : requestHost);
        if (!newPort.isEmpty()) {
            out.append(':').append(newPort);
        }
        out.append(newPath);
        if (q >= 0 && !stripQuery) {
            out.append(uri, q, uri.length());
        }
        return out.toString();
    }
}
