package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import org.junit.jupiter.api.Test;

/** Several HTTPRoutes on one Service: their rules merge in Gateway API precedence order. */
class RoutePrecedenceTest {
    static final String YAML = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: shop}
            spec: {port: 80}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: b-catch-all}
            spec:
              parentRefs: [{kind: Service, name: shop}]
              rules:
                - backendRefs: [{name: shop}]
                - matches: [{path: {value: /api}, headers: [{name: x-a, value: "1"}]}]
                  backendRefs: [{name: shop}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: a-api}
            spec:
              parentRefs: [{kind: Service, name: shop}]
              rules:
                - matches:
                    - path: {value: /api}
                    - path: {value: /api/v2}
                    - path: {type: Exact, value: /}
                    - path: {value: /api}
                      method: GET
                    - path: {type: RegularExpression, value: "/x.*"}
                  backendRefs: [{name: shop}]
            """;

    @Test
    void exactThenRegexThenLongestPrefixThenMethodThenHeadersThenName() {
        var xds = XdsTranslator.translate(ConfigLoader.standard().parse("shop.yaml", YAML), ProxyNode.of("web", 0));
        VirtualHost shop = xds.routes().get(0).getVirtualHosts(0);
        assertThat(shop.getRoutesList()).extracting(RoutePrecedenceTest::describe).containsExactly(
                "a-api/0 path=/",
                "a-api/0 regex=/x.*",
                "a-api/0 prefix=/api/v2",
                "a-api/0 prefix=/api method",
                "b-catch-all/1 prefix=/api headers=1",
                "a-api/0 prefix=/api",
                "b-catch-all/0 prefix=/");
    }

    private static String describe(Route r) {
        var m = r.getMatch();
        String path = switch (m.getPathSpecifierCase()) {
            case PATH -> "path=" + m.getPath();
            case SAFE_REGEX -> "regex=" + m.getSafeRegex().getRegex();
            case PATH_SEPARATED_PREFIX -> "prefix=" + m.getPathSeparatedPrefix();
            default -> "prefix=" + m.getPrefix();
        };
        long methods = m.getHeadersList().stream().filter(h -> h.getName().equals(":method")).count();
        long headers = m.getHeadersCount() - methods;
        return r.getName() + " " + path + (methods > 0 ? " method" : "") + (headers > 0 ? " headers=" + headers : "");
    }
}
