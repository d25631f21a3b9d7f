package dev.trellis.config.xds;

import static dev.trellis.config.xds.XdsTranslatorTest.named;

import dev.trellis.config.ConfigLoader;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/** A Service "catalog" routed by an HTTPRoute, and the routes a client sidecar ("web") gets for it. */
final class CatalogRoutes {
    private CatalogRoutes() {}

    /**
     * @param others more resources (each document ending in "---"), or ""
     * @param rules  the items of {@code spec.rules}, each starting with "- " at the left margin
     */
    static String yaml(String others, String rules) {
        return others + """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: catalog}
                spec:
                  parentRefs: [{kind: Service, name: catalog}]
                  rules:
                """ + rules.indent(4);
    }

    /** The outbound routes of catalog's virtual host, in order. */
    static List<Route> outbound(String yaml) {
        XdsResources xds = XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", yaml), ProxyNode.of("web", 0));
        RouteConfiguration outbound = named(xds.routes(), RouteConfiguration::getName, "outbound");
        return outbound.getVirtualHostsList().stream().filter(vh -> vh.getDomainsList().contains("catalog"))
                .findFirst().orElseThrow().getRoutesList();
    }
}
