package dev.trellis.config.xds;

import static dev.trellis.config.xds.XdsTranslatorTest.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RequestRedirect filters as Envoy's route redirect, with the rule's rate limit and header filters kept. */
class RedirectTranslatorTest {
    static final String RULES = """
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
        List<Route> routes = CatalogRoutes.outbound(CatalogRoutes.yaml("", RULES));
        Route old = named(routes, Route::getName, "catalog/0");
        assertThat(old.getActionCase()).isEqualTo(Route.ActionCase.REDIRECT);
        assertThat(old.getRedirect()).isEqualTo(RedirectAction.newBuilder().setSchemeRedirect("https").setHostRedirect("shop.example")
                .setPortRedirect(8443).setPrefixRewrite("/new").setResponseCode(RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY).build());
        assertThat(old.getTypedPerFilterConfigMap()).containsKey(XdsNames.LOCAL_RATE_LIMIT);
        assertThat(old.getResponseHeadersToAddList()).extracting(h -> h.getHeader().getKey()).containsExactly("cache-control");

        Route moved = named(routes, Route::getName, "catalog/1");
        assertThat(moved.getRedirect().getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.FOUND);
        assertThat(moved.getRedirect().getRegexRewrite().getSubstitution()).isEqualTo("/here");
        assertThat(named(routes, Route::getName, "catalog/2").getRoute().getCluster()).isEqualTo("catalog.default");
    }
}
