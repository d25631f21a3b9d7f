package dev.trellis.config.xds;

import static dev.trellis.config.xds.XdsTranslatorTest.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RequestRedirect filters as Envoy's route redirect, with the rule's rate limit and header filters kept. */
class RedirectTranslatorTest {
    static final String YAML = """
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
                - matches: [{path: {type: PathPrefix, value: /old}}]
                  rateLimit: {requestsPerSecond: 10}
                  filters:
                    - type: RequestRedirect
                      requestRedirect: {scheme: https, hostname: shop.example, port: 8443, statusCode: 301,
                                        path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}
                    - {type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: cache-control, value: no-store}]}}
                - matches: [{path: {type: Exact, value: /moved}}]
                  filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /here}}}]
                - backendRefs: [{name: catalog}]
            """;

    @Test
    void aRedirectRuleBecomesARouteWithARedirectAndNoRouteAction() {
        XdsResources xds = XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", YAML), ProxyNode.of("web", 0));
        RouteConfiguration outbound = named(xds.routes(), RouteConfiguration::getName, "outbound");
        List<Route> routes = outbound.getVirtualHostsList().stream().filter(vh -> vh.getDomainsList().contains("catalog"))
                .findFirst().orElseThrow().getRoutesList();
        Route old = routes.stream().filter(r -> r.getName().equals("catalog/0")).findFirst().orElseThrow();
        assertThat(old.getActionCase()).isEqualTo(Route.ActionCase.REDIRECT);
        assertThat(old.getRedirect()).isEqualTo(RedirectAction.newBuilder().setSchemeRedirect("https").setHostRedirect("shop.example")
                .setPortRedirect(8443).setPrefixRewrite("/new").setResponseCode(RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY).build());
        assertThat(old.getTypedPerFilterConfigMap()).containsKey(XdsNames.LOCAL_RATE_LIMIT);
        assertThat(old.getResponseHeadersToAddList()).extracting(h -> h.getHeader().getKey()).containsExactly("cache-control");

        Route moved = routes.stream().filter(r -> r.getName().equals("catalog/1")).findFirst().orElseThrow();
        assertThat(moved.getRedirect().getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.FOUND);
        assertThat(moved.getRedirect().getRegexRewrite().getSubstitution()).isEqualTo("/here");
        assertThat(routes.stream().filter(r -> r.getName().equals("catalog/2")).findFirst().orElseThrow().getRoute().getCluster())
                .isEqualTo("catalog.default");
    }
}
