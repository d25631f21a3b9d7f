package dev.trellis.config.xds;

import com.google.protobuf.UInt32Value;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Retry;
import dev.trellis.config.resource.Service;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RDS: route configuration "outbound" with one virtual host per HTTP Service, and "inbound" sending
 * everything to the local application. Every route carries its retry policy, the default one included (a real
 * Envoy has none by default); see {@link RoutePolicies}.
 */
final class RouteTranslator {
    private RouteTranslator() {}

    static List<RouteConfiguration> translate(ResourceSet resources, List<Service> services, ProxyNode node, Optional<Service> own) {
        RouteConfiguration.Builder outbound = RouteConfiguration.newBuilder().setName(XdsNames.OUTBOUND_ROUTES);
        for (Service s : services) {
            if (s.protocol().isHttp()) {
                outbound.addVirtualHosts(virtualHost(s, attached(resources, s)));
            }
        }
        List<RouteConfiguration> out = new ArrayList<>();
        out.add(outbound.build());
        if (node.appPort() > 0) {
            // no retries: the only endpoint is the local application, and the caller's proxy retries elsewhere
            Route.Builder route = Route.newBuilder()
                    .setName(XdsNames.INBOUND_ROUTE)
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"));
            RouteAction.Builder action = RouteAction.newBuilder()
                    .setCluster(XdsNames.inboundCluster(node.appPort()))
                    .setTimeout(Protos.duration(Duration.ZERO));
            RoutePolicies.apply(route, action, Retry.NONE, null, null, own.map(Service::rateLimit).orElse(null));
            route.setRoute(action);
            out.add(RouteConfiguration.newBuilder()
                    .setName(XdsNames.INBOUND_ROUTES)
                    .addVirtualHosts(VirtualHost.newBuilder()
                            .setName(XdsNames.INBOUND_ROUTES)
                            .addDomains("*")
                            .addRoutes(route)
                            .setMetadata(Protos.trellisMetadata(Map.of(XdsNames.KEY_SERVICE, Protos.string(
                                    own.map(Service::name).orElse(node.serviceName()))))))
                    .build());
        }
        return out;
    }

    /** The HTTPRoutes whose parentRefs name this Service. */
    private static List<HttpRoute> attached(ResourceSet resources, Service s) {
        return resources.httpRoutes().stream()
                .filter(r -> r.parentRefs().stream().anyMatch(p -> p.name().equals(s.name()) && p.namespace().equals(s.namespace())))
                .toList();
    }

    private static VirtualHost virtualHost(Service s, List<HttpRoute> routes) {
        Set<String> domains = new LinkedHashSet<>(XdsNames.domains(s));
        routes.forEach(r -> r.hostnames().forEach(h -> domains.add(h.toLowerCase(Locale.ROOT))));
        VirtualHost.Builder vh = VirtualHost.newBuilder()
                .setName(XdsNames.cluster(s))
                .addAllDomains(domains)
                .setMetadata(Protos.trellisMetadata(Map.of(XdsNames.KEY_SERVICE, Protos.string(s.name()))));
        if (routes.isEmpty()) {
            Route.Builder route = Route.newBuilder()
                    .setName(XdsNames.DEFAULT_ROUTE)
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"));
            RouteAction.Builder action = RouteAction.newBuilder().setCluster(XdsNames.cluster(s)).setTimeout(Protos.duration(Duration.ZERO));
            RoutePolicies.apply(route, action, Retry.DEFAULT, null, null, null);
            vh.addRoutes(route.setRoute(action));
            return vh.build();
        }
        List<RoutePrecedence.Entry> entries = new ArrayList<>();
        for (HttpRoute r : routes) {
            for (int i = 0; i < r.rules().size(); i++) {
                for (int m = 0; m < r.rules().get(i).matches().size(); m++) {
                    entries.add(new RoutePrecedence.Entry(r, i, m));
                }
            }
        }
        entries.sort(RoutePrecedence.ORDER);
        for (RoutePrecedence.Entry e : entries) {
            HttpRoute.Rule rule = e.rule();
            Route.Builder route = Route.newBuilder()
                    .setName(XdsNames.route(e.route().name(), rule.name() != null ? rule.name() : Integer.toString(e.ruleIndex())))
                    .setMatch(match(e.match()));
            if (rule.redirect() != null) {
                // answered by the sidecar: no route action, so only the route's own policies (rate limit, headers)
                RoutePolicies.apply(route, RouteAction.newBuilder(), Retry.NONE, null, null, rule.rateLimit());
                HeaderFilterTranslator.apply(route, rule);
                vh.addRoutes(route.setRedirect(RedirectTranslator.redirect(e.match(), rule.redirect())));
                continue;
            }
            RouteAction.Builder action = action(rule);
            RoutePolicies.apply(route, action, rule.retry(), rule.timeouts().backendRequest(), rule.fault(), rule.rateLimit());
            HeaderFilterTranslator.apply(route, rule);
            UrlRewriteTranslator.apply(action, e.match(), rule.urlRewrite());
            RequestMirrorTranslator.apply(action, rule.mirrors());
            vh.addRoutes(route.setRoute(action));
        }
        return vh.build();
    }

    static RouteMatch match(HttpRoute.Match m) {
        RouteMatch.Builder b = RouteMatch.newBuilder();
        String path = m.path().value();
        switch (m.path().type()) {
            case EXACT -> b.setPath(path);
            case REGULAR_EXPRESSION -> b.setSafeRegex(RegexMatcher.newBuilder().setRegex(path));
            case PATH_PREFIX -> {
                // Gateway API prefixes match whole segments and ignore a trailing '/': Envoy's path_separated_prefix
                String trimmed = path.replaceAll("/+$", "");
                if (trimmed.isEmpty()) {
                    b.setPrefix("/");
                } else {
                    b.setPathSeparatedPrefix(trimmed);
                }
            }
        }
        for (HttpRoute.HeaderMatch h : m.headers()) {
            b.addHeaders(HeaderMatcher.newBuilder().setName(h.name()).setStringMatch(string(h)));
        }
        if (m.method() != null) {
            b.addHeaders(HeaderMatcher.newBuilder().setName(":method").setStringMatch(StringMatcher.newBuilder().setExact(m.method())));
        }
        for (HttpRoute.HeaderMatch q : m.queryParams()) {
            b.addQueryParameters(QueryParameterMatcher.newBuilder().setName(q.name()).setStringMatch(string(q)));
        }
        return b.build();
    }

    private static StringMatcher string(HttpRoute.HeaderMatch h) {
        return h.type() == HttpRoute.ValueType.EXACT
                ? StringMatcher.newBuilder().setExact(h.value()).build()
                : StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(h.value())).build();
    }

    /** Backends and the request timeout; the retry policy (with backendRequest as its per-try timeout) is added by {@link RoutePolicies}. */
    static RouteAction.Builder action(HttpRoute.Rule rule) {
        RouteAction.Builder a = RouteAction.newBuilder();
        List<HttpRoute.BackendRef> refs = rule.backendRefs();
        if (refs.size() == 1) {
            a.setCluster(XdsNames.cluster(refs.get(0).name(), refs.get(0).namespace()));
        } else {
            WeightedCluster.Builder w = WeightedCluster.newBuilder();
            for (HttpRoute.BackendRef ref : refs) {
                w.addClusters(WeightedCluster.ClusterWeight.newBuilder()
                        .setName(XdsNames.cluster(ref.name(), ref.namespace()))
                        .setWeight(UInt32Value.of(ref.weight())));
            }
            a.setWeightedClusters(w);
        }
        // Envoy's default is 15s; Gateway API's is none: say it explicitly
        Duration request = rule.timeouts().request();
        return a.setTimeout(Protos.duration(request == null ? Duration.ZERO : request));
    }
}
