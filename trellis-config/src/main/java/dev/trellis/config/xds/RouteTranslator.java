package dev.trellis.config.xds;

import com.google.protobuf.UInt32Value;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Service;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
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
 * everything to the local application.
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
            Route route = Route.newBuilder()
                    .setName(XdsNames.INBOUND_ROUTE)
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setRoute(RouteAction.newBuilder().setCluster(XdsNames.inboundCluster(node.appPort())).setTimeout(Protos.duration(Duration.ZERO)))
                    .build();
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
            vh.addRoutes(Route.newBuilder()
                    .setName(XdsNames.DEFAULT_ROUTE)
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setRoute(RouteAction.newBuilder().setCluster(XdsNames.cluster(s)).setTimeout(Protos.duration(Duration.ZERO))));
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
            vh.addRoutes(Route.newBuilder()
                    .setName(XdsNames.route(e.route().name(), e.ruleIndex()))
                    .setMatch(match(e.match()))
                    .setRoute(action(e.rule())));
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

    static RouteAction action(HttpRoute.Rule rule) {
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
        a.setTimeout(Protos.duration(request == null ? Duration.ZERO : request));
        Duration backend = rule.timeouts().backendRequest();
        if (backend != null && !backend.isZero()) {
            a.setRetryPolicy(RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(0)).setPerTryTimeout(Protos.duration(backend)));
        }
        return a.build();
    }
}
