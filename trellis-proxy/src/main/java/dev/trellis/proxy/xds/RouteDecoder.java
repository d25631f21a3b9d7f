package dev.trellis.proxy.xds;

import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.HeaderMutations;
import dev.trellis.proxy.config.Redirect;
import dev.trellis.proxy.config.RequestRewrite;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.config.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RDS RouteConfiguration to {@link RouteTable}. Unset RouteAction.timeout means Envoy's 15 s (the whole request,
 * retries included); the retry policy, with its per-try timeout, is decoded by {@link RetryPolicyDecoder}, the fault
 * and rate limit filters' per-route configuration by {@link RouteFilterDecoder}.
 */
public final class RouteDecoder {
    static final String TYPE = "route configuration";
    static final Duration ENVOY_ROUTE_TIMEOUT = Duration.ofSeconds(15);

    private RouteDecoder() {}

    public static RouteTable decode(RouteConfiguration rc) {
        String name = rc.getName();
        if (name.isEmpty()) {
            throw new XdsResourceException(TYPE, name, "name: \"\" (expected: a name)");
        }
        List<VirtualHost> hosts = new ArrayList<>();
        Map<String, String> domainOwners = new HashMap<>();
        for (int v = 0; v < rc.getVirtualHostsCount(); v++) {
            VirtualHost vh = virtualHost(rc.getVirtualHosts(v), name, "virtual_hosts[" + v + "]");
            for (String domain : vh.domains()) {
                String owner = domainOwners.putIfAbsent(domain, vh.name());
                if (owner != null) {
                    // Envoy rejects this too: the request's authority would pick a host arbitrarily
                    throw new XdsResourceException(TYPE, name, "virtual_hosts[" + v + "].domains: " + domain
                            + " (expected: unique in the route configuration; virtual host " + owner + " has it)");
                }
            }
            hosts.add(vh);
        }
        return new RouteTable(name, hosts);
    }

    private static VirtualHost virtualHost(io.envoyproxy.envoy.config.route.v3.VirtualHost vh, String table, String field) {
        if (vh.getDomainsCount() == 0) {
            throw new XdsResourceException(TYPE, table, field + ".domains: [] (expected: at least one domain)");
        }
        List<String> domains = vh.getDomainsList().stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (vh.hasRetryPolicyTypedConfig()) {
            throw new XdsResourceException(TYPE, table, field + ".retry_policy_typed_config: set (expected: retry_policy)");
        }
        RouteFilterDecoder.checkNames(vh.getTypedPerFilterConfigMap(), table, field);
        List<Route> routes = new ArrayList<>();
        for (int r = 0; r < vh.getRoutesCount(); r++) {
            routes.add(route(vh.getRoutes(r), vh, table, field + ".routes[" + r + "]"));
        }
        String service = TrellisMetadata.string(vh.getMetadata(), XdsNames.KEY_SERVICE);
        return new VirtualHost(vh.getName(), service != null ? service : vh.getName(), domains, routes);
    }

    private static Route route(io.envoyproxy.envoy.config.route.v3.Route r, io.envoyproxy.envoy.config.route.v3.VirtualHost vh,
                               String table, String field) {
        var actionCase = r.getActionCase();
        if (actionCase != io.envoyproxy.envoy.config.route.v3.Route.ActionCase.ROUTE
                && actionCase != io.envoyproxy.envoy.config.route.v3.Route.ActionCase.REDIRECT) {
            throw new XdsResourceException(TYPE, table, field + ": " + actionCase.name().toLowerCase(Locale.ROOT)
                    + " (expected: route or redirect)");
        }
        RouteMatch match = RouteMatchDecoder.decode(r.getMatch(), table, field + ".match");
        if (actionCase == io.envoyproxy.envoy.config.route.v3.Route.ActionCase.REDIRECT) {
            RouteFilterDecoder.Filters filters = RouteFilterDecoder.decode(r, vh.getTypedPerFilterConfigMap(), table, field);
            if (filters.fault() != null) {
                throw new XdsResourceException(TYPE, table, field + ".typed_per_filter_config: a fault with a redirect "
                        + "(expected: none; a redirect is answered before any fault could apply)");
            }
            Redirect redirect = RedirectDecoder.decode(r.getRedirect(), r.getMatch(), table, field + ".redirect");
            return new Route(r.getName(), match, RouteAction.redirect(redirect, filters.rateLimit(),
                    HeaderMutationDecoder.decode(r, table, field)));
        }
        var a = r.getRoute();
        if (a.hasRetryPolicyTypedConfig()) {
            throw new XdsResourceException(TYPE, table, field + ".route.retry_policy_typed_config: set (expected: retry_policy)");
        }
        // as in Envoy, a route's own retry policy wins over its virtual host's
        var retryPolicy = a.hasRetryPolicy() ? a.getRetryPolicy() : vh.hasRetryPolicy() ? vh.getRetryPolicy() : null;
        RetryPolicy retry = RetryPolicyDecoder.decode(retryPolicy, r, table, field);
        RouteFilterDecoder.Filters filters = RouteFilterDecoder.decode(r, vh.getTypedPerFilterConfigMap(), table, field);
        HeaderMutations headers = HeaderMutationDecoder.decode(r, table, field);
        RequestRewrite rewrite = RequestRewriteDecoder.decode(a, r.getMatch(), table, field + ".route");
        return new Route(r.getName(), match, action(a, retry, filters, headers, rewrite, table, field + ".route"));
    }

    private static RouteAction action(io.envoyproxy.envoy.config.route.v3.RouteAction a, RetryPolicy retry,
                                      RouteFilterDecoder.Filters filters, HeaderMutations headers, RequestRewrite rewrite,
                                      String table, String field) {
        List<RouteAction.WeightedCluster> backends = new ArrayList<>();
        switch (a.getClusterSpecifierCase()) {
            case CLUSTER -> backends.add(new RouteAction.WeightedCluster(a.getCluster(), 1));
            case WEIGHTED_CLUSTERS -> {
                List<WeightedCluster.ClusterWeight> weights = a.getWeightedClusters().getClustersList();
                for (int i = 0; i < weights.size(); i++) {
                    WeightedCluster.ClusterWeight w = weights.get(i);
                    if (w.getName().isEmpty()) {
                        throw new XdsResourceException(TYPE, table, field + ".weighted_clusters.clusters[" + i
                                + "].name: \"\" (expected: a cluster name)");
                    }
                    long weight = Integer.toUnsignedLong(w.getWeight().getValue());
                    if (weight > Integer.MAX_VALUE) {
                        throw new XdsResourceException(TYPE, table, field + ".weighted_clusters.clusters[" + i
                                + "].weight: " + weight + " (expected: <= " + Integer.MAX_VALUE + ")");
                    }
                    backends.add(new RouteAction.WeightedCluster(w.getName(), (int) weight));
                }
            }
            default -> throw new XdsResourceException(TYPE, table, field + ": " + a.getClusterSpecifierCase()
                    + " (expected: cluster or weighted_clusters)");
        }
        Duration timeout = a.hasTimeout() ? Durations.of(a.getTimeout(), TYPE, table, field + ".timeout") : ENVOY_ROUTE_TIMEOUT;
        try {
            return new RouteAction(backends, timeout, retry, filters.fault(), filters.rateLimit(), headers, rewrite,
                    MirrorPolicyDecoder.decode(a, table, field), null);
        } catch (IllegalArgumentException e) {
            throw new XdsResourceException(TYPE, table, field + ".weighted_clusters: " + e.getMessage());
        }
    }
}
