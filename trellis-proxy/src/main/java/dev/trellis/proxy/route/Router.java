package dev.trellis.proxy.route;

import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.config.VirtualHost;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.metrics.RouteStats;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A route table compiled for the hot path: virtual hosts indexed by authority, routes in order.
 * Immutable; built once per configuration snapshot.
 */
public final class Router {
    private final Map<String, CompiledVirtualHost> byDomain;
    private final CompiledVirtualHost fallback;

    private Router(Map<String, CompiledVirtualHost> byDomain, CompiledVirtualHost fallback) {
        this.byDomain = byDomain;
        this.fallback = fallback;
    }

    public static Router compile(RouteTable table, String direction, ProxyMetrics metrics) {
        Map<String, CompiledVirtualHost> byDomain = new HashMap<>();
        CompiledVirtualHost fallback = null;
        for (VirtualHost vh : table.virtualHosts()) {
            CompiledRoute[] routes = new CompiledRoute[vh.routes().size()];
            for (int i = 0; i < routes.length; i++) {
                Route r = vh.routes().get(i);
                RouteStats stats = metrics.route(direction, vh.service(), r.name());
                routes[i] = new CompiledRoute(r, stats, metrics.routePolicies(direction, vh.service(), r.name()));
            }
            CompiledVirtualHost compiled = new CompiledVirtualHost(vh.service(), routes,
                    metrics.route(direction, vh.service(), "unmatched"));
            for (String domain : vh.domains()) {
                if (domain.equals("*")) {
                    fallback = compiled;
                } else {
                    byDomain.putIfAbsent(domain.toLowerCase(Locale.ROOT), compiled);
                }
            }
        }
        return new Router(Map.copyOf(byDomain), fallback);
    }

    /** The virtual host for an authority ("host" or "host:port"), or null. */
    public CompiledVirtualHost virtualHost(String authority) {
        if (authority == null || authority.isEmpty()) {
            return fallback;
        }
        String a = authority.toLowerCase(Locale.ROOT);
        CompiledVirtualHost vh = byDomain.get(a);
        if (vh == null) {
            int colon = a.lastIndexOf(':');
            if (colon > 0 && a.indexOf(']') < colon) {
                vh = byDomain.get(a.substring(0, colon));
            }
        }
        return vh != null ? vh : fallback;
    }

    /** The first route matching the request in its virtual host, or null. */
    public static CompiledRoute match(CompiledVirtualHost vh, HttpRequest request) {
        RequestMatcher.RequestView view =
                new RequestMatcher.RequestView(request.method().name(), request.uri(), request.headers());
        for (CompiledRoute r : vh.routes()) {
            if (r.matcher().matches(view)) {
                return r;
            }
        }
        return null;
    }

    public static String authorityOf(HttpRequest request) {
        return request.headers().get(HttpHeaderNames.HOST);
    }

    /** A virtual host ready for matching. {@code unmatched} counts requests no route took. */
    public record CompiledVirtualHost(String service, CompiledRoute[] routes, RouteStats unmatched) {
    }
}
