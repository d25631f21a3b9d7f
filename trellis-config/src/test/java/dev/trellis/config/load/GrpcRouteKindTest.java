package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.GrpcRoute;
import dev.trellis.config.resource.HttpRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GRPCRoute: method matches as the paths they stand for, the rest as an HTTPRoute's, and every refusal with its line. */
class GrpcRouteKindTest {
    // line 16; the matches start on line 23
    static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: catalog-grpc}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - matches:
            """;

    static ResourceSet parse(String matches, String rest) {
        return ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + ROUTE + matches.indent(6) + rest.indent(4));
    }

    static String failure(String matches, String rest) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(matches, rest));
        assertThat(e).as("expected the route to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void methodMatchesBecomeThePathsTheyStandFor() {
        ResourceSet set = parse("""
                - method: {service: shop.v1.Catalog, method: GetItem}
                  headers: [{name: x-canary, value: "1"}]
                - method: {service: shop.v1.Catalog}
                - method: {method: Watch}
                - method: {type: RegularExpression, service: "shop\\\\.v[0-9]+\\\\.Catalog", method: "Get.*"}
                - method: {type: RegularExpression, method: "List.*"}
                """, """
                  backendRefs: [{name: catalog-v2, weight: 1}]
                - backendRefs: [{name: catalog}]
                """);
        GrpcRoute grpc = set.ofType(GrpcRoute.class).get(0);
        assertThat(grpc.kind()).isEqualTo("GRPCRoute");
        List<HttpRoute.Match> matches = grpc.route().rules().get(0).matches();
        assertThat(matches).extracting(m -> m.path().type() + " " + m.path().value()).containsExactly(
                "EXACT /shop.v1.Catalog/GetItem",
                "PATH_PREFIX /shop.v1.Catalog",
                "REGULAR_EXPRESSION /[^/]+/Watch",
                "REGULAR_EXPRESSION /(?:shop\\.v[0-9]+\\.Catalog)/(?:Get.*)",
                "REGULAR_EXPRESSION /(?:[^/]+)/(?:List.*)");
        assertThat(matches.get(0).headers()).containsExactly(new HttpRoute.HeaderMatch(HttpRoute.ValueType.EXACT, "x-canary", "1"));
        assertThat(grpc.route().rules().get(1).matches()).containsExactly(HttpRoute.Match.ANY);
        assertThat(set.httpRoutes()).as("routes like an HTTPRoute").containsExactly(grpc.route());
    }

    @Test
    void everyRefusalSaysWhyAndWhere() {
        String backend = "  backendRefs: [{name: catalog}]\n";
        assertThat(failure("- method: {type: Exact}\n", backend))
                .isEqualTo("routes.yaml:23: spec.rules[0].matches[0].method.service: missing (expected: service, method or both)");
        assertThat(failure("- method: {service: \"shop/Catalog\"}\n", backend))
                .contains("spec.rules[0].matches[0].method.service: \"shop/Catalog\" (expected: a gRPC service name");
        assertThat(failure("- method: {method: \"Get-Item\"}\n", backend))
                .contains("spec.rules[0].matches[0].method.method: \"Get-Item\" (expected: a gRPC method name");
        assertThat(failure("- method: {type: Prefix, method: Get}\n", backend))
                .contains("method.type: \"Prefix\" (expected: Exact or RegularExpression)");
        assertThat(failure("- method: {type: RegularExpression, method: \"Get(\"}\n", backend))
                .contains("method.method: \"Get(\" (expected: a regular expression");
        assertThat(failure("- path: {value: /x}\n", backend))
                .contains("spec.rules[0].matches[0].path: unknown field");
        assertThat(failure("- method: {method: Get}\n", backend
                + "  filters: [{type: URLRewrite, urlRewrite: {hostname: other}}]\n"))
                .contains("spec.rules[0].filters: URLRewrite (expected: RequestHeaderModifier, ResponseHeaderModifier or RequestMirror; "
                        + "a GRPCRoute has no URLRewrite)");
        assertThat(failure("- method: {method: Get}\n", "  backendRefs: [{name: nowhere}]\n"))
                .contains("spec.rules[0].backendRefs[0].name: nowhere (expected: an existing Service");
    }
}
