package dev.trellis.proxy.telemetry.tracing;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Span names after OpenTelemetry's HTTP conventions, "{method} {target}": the target is the route when an
 * HTTPRoute rule matched ("GET catalog-split/0"), else the path without its query ("GET /items"), as a
 * Service's implicit route ("default") or the inbound route names nothing more specific than that.
 */
final class SpanNames {
    /** The translator's implicit route of a Service without HTTPRoute, and the inbound listener's only route. */
    private static final String IMPLICIT_ROUTE = "default";
    private static final String INBOUND_ROUTE = "inbound";

    private SpanNames() {
    }

    static String of(String method, String route, String path) {
        boolean named = route != null && !route.equals(IMPLICIT_ROUTE) && !route.equals(INBOUND_ROUTE);
        return method + " " + (named ? route : path);
    }

    /** The path of a request target: origin form up to '?', or the path of an absolute URI; "/" when none. */
    static String path(String target) {
        if (target == null || target.isEmpty()) {
            return "/";
        }
        if (target.startsWith("/")) {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
        try {
            String p = new URI(target).getRawPath();
            return p == null || p.isEmpty() ? "/" : p;
        } catch (URISyntaxException e) {
            return "/";
        }
    }
}
