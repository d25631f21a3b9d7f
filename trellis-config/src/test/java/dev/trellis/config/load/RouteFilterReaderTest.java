package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.resource.HeaderModifier;
import dev.trellis.config.resource.HeaderModifier.Header;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.RequestMirror;
import dev.trellis.config.resource.RequestRedirect;
import dev.trellis.config.resource.UrlRewrite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An HTTPRoute rule's Gateway API filters: header modifiers, rewrites, mirrors, and every refusal with its line. Lines 1-15 are the Services. */
class RouteFilterReaderTest {
    // line 16; the filters start on line 24 (each test writes them two spaces further in than it shows)
    static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catalog}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - backendRefs: [{name: catalog}]
                  filters:
            """;

    static HttpRoute.Rule rule(String filters) {
        return ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + ROUTE + filters.indent(2)).httpRoutes().get(0).rules().get(0);
    }

    static String failure(String filters) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + ROUTE + filters.indent(2)));
        assertThat(e).as("expected the route to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void readsBothHeaderModifiersWithNamesLowerCased() {
        HttpRoute.Rule r = rule("""
                        - type: RequestHeaderModifier
                          requestHeaderModifier:
                            set: [{name: X-Env, value: canary}]
                            add: [{name: x-tag, value: 7}]
                            remove: [X-Debug]
                        - type: ResponseHeaderModifier
                          responseHeaderModifier: {remove: [server]}
                """);
        assertThat(r.requestHeaders()).isEqualTo(new HeaderModifier(List.of(new Header("x-env", "canary")),
                List.of(new Header("x-tag", "7")), List.of("x-debug")));
        assertThat(r.responseHeaders()).isEqualTo(new HeaderModifier(List.of(), List.of(), List.of("server")));
        assertThat(rule("        []\n").requestHeaders()).isEqualTo(HeaderModifier.NONE);
    }

    @Test
    void everyRefusalSaysWhyAndWhere() {
        assertThat(failure("    - {type: CORS, cors: {allowOrigins: [\"*\"]}}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].filters[0].type: CORS (expected: RequestHeaderModifier, "
                        + "ResponseHeaderModifier, URLRewrite, RequestMirror or RequestRedirect; CORS is not supported)");
        assertThat(failure("    - {type: Rewrite}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].filters[0].type: \"Rewrite\" (expected: RequestHeaderModifier, "
                        + "ResponseHeaderModifier, URLRewrite, RequestMirror or RequestRedirect)");
        assertThat(failure("    - {type: RequestHeaderModifier}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].filters[0].requestHeaderModifier: missing (required for type RequestHeaderModifier)");
        assertThat(failure("    - {type: RequestHeaderModifier, responseHeaderModifier: {remove: [a]}}\n"))
                .startsWith("routes.yaml:24: spec.rules[0].filters[0].responseHeaderModifier: set for type RequestHeaderModifier");
        assertThat(failure("""
                        - {type: RequestHeaderModifier, requestHeaderModifier: {remove: [a]}}
                        - {type: RequestHeaderModifier, requestHeaderModifier: {remove: [b]}}
                """)).isEqualTo("routes.yaml:25: spec.rules[0].filters[1].type: RequestHeaderModifier (expected: each filter type once per rule, RequestMirror excepted)");
        assertThat(failure("    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: Host, value: x}]}}\n"))
                .startsWith("routes.yaml:24: spec.rules[0].filters[0].requestHeaderModifier.set[0].name: \"Host\" (expected: a header other than Host");
        assertThat(failure("    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: x}], remove: [A]}}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].filters[0].requestHeaderModifier.remove[0]: \"A\" (expected: each header name once per filter)");
        assertThat(failure("    - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: connection, value: close}]}}\n"))
                .startsWith("routes.yaml:24: spec.rules[0].filters[0].responseHeaderModifier.add[0].name: \"connection\" (expected: an end-to-end header");
        assertThat(failure("    - {type: ResponseHeaderModifier, responseHeaderModifier: {}}\n"))
                .contains("spec.rules[0].filters[0].responseHeaderModifier.set: missing (expected: at least one of set, add, remove)");
    }

    @Test
    void readsAUrlRewrite() {
        HttpRoute.Rule r = rule("    - {type: URLRewrite, urlRewrite: {hostname: internal.example, path: {type: ReplacePrefixMatch, "
                + "replacePrefixMatch: /v2}}}\n");
        assertThat(r.urlRewrite()).isEqualTo(new UrlRewrite("internal.example",
                new UrlRewrite.PathModifier(UrlRewrite.PathModifier.Type.REPLACE_PREFIX_MATCH, "/v2")));
        assertThat(rule("    - {type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /x}}}\n").urlRewrite())
                .isEqualTo(new UrlRewrite(null, new UrlRewrite.PathModifier(UrlRewrite.PathModifier.Type.REPLACE_FULL_PATH, "/x")));
    }

    @Test
    void aUrlRewriteSaysWhatIsWrong() {
        assertThat(failure("    - {type: URLRewrite, urlRewrite: {}}\n"))
                .contains("spec.rules[0].filters[0].urlRewrite.path: missing (expected: hostname, path or both)");
        assertThat(failure("    - {type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replacePrefixMatch: /x}}}\n"))
                .contains("urlRewrite.path.replacePrefixMatch: set for type ReplaceFullPath (expected: only replaceFullPath)");
        assertThat(failure("    - {type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: x}}}\n"))
                .contains("urlRewrite.path.replaceFullPath: \"x\" (expected: a path starting with /");
        assertThat(failure("    - {type: URLRewrite, urlRewrite: {hostname: \"*.example\"}}\n"))
                .contains("urlRewrite.hostname: \"*.example\" (expected: a host name");
        String exact = ROUTE.replace("    - backendRefs: [{name: catalog}]",
                "    - matches: [{path: {type: Exact, value: /a}}]\n      backendRefs: [{name: catalog}]");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.standard().parse("routes.yaml",
                HttpRouteKindTest.SERVICES + exact + "    - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}\n".indent(2)));
        assertThat(e.getMessage()).contains("urlRewrite.path.type: ReplacePrefixMatch (expected: a rule whose matches all have a PathPrefix path");
    }

    @Test
    void readsMirrorsWithTheirFractions() {
        List<RequestMirror> mirrors = rule("""
                        - type: RequestMirror
                          requestMirror: {backendRef: {name: catalog-v2, port: 8080}}
                        - type: RequestMirror
                          requestMirror: {backendRef: {kind: Service, name: catalog-v2}, percent: 25}
                        - type: RequestMirror
                          requestMirror: {backendRef: {name: catalog-v2}, fraction: {numerator: 1, denominator: 3}}
                        - type: RequestMirror
                          requestMirror: {backendRef: {name: catalog-v2}, fraction: {numerator: 5}}
                """).mirrors();
        assertThat(mirrors).extracting(m -> m.name() + " " + m.namespace() + " " + m.numerator() + "/" + m.denominator())
                .containsExactly("catalog-v2 default 100/100", "catalog-v2 default 25/100", "catalog-v2 default 1/3", "catalog-v2 default 5/100");
        assertThat(mirrors.get(0).always()).isTrue();
        assertThat(mirrors.get(0).port()).isEqualTo(8080);
        assertThat(mirrors.get(0).field()).isEqualTo("spec.rules[0].filters[0].requestMirror.backendRef");
        assertThat(rule("        []\n").mirrors()).isEmpty();
    }

    @Test
    void aMirrorSaysWhatIsWrong() {
        assertThat(failure("    - {type: RequestMirror, requestMirror: {percent: 10}}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].filters[0].requestMirror.backendRef: missing (required: the Service that gets the copies)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-v2}, percent: 101}}\n"))
                .contains("spec.rules[0].filters[0].requestMirror.percent: 101 (expected: 0..100)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-v2}, percent: 5, fraction: {numerator: 1}}}\n"))
                .contains("spec.rules[0].filters[0].requestMirror.fraction: set with percent (expected: one of them)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-v2}, fraction: {numerator: 3, denominator: 2}}}\n"))
                .contains("requestMirror.fraction.numerator: 3 (expected: 0..2)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-v2}, fraction: {denominator: 0, numerator: 0}}}\n"))
                .contains("requestMirror.fraction.denominator: 0 (expected: ");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {kind: Pod, name: catalog-v2}}}\n"))
                .contains("requestMirror.backendRef.kind: \"Pod\" (expected: Service)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: shadow}}}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].filters[0].requestMirror.backendRef.name: shadow (expected: an existing Service; "
                        + "none named shadow in namespace default)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: db}}}\n"))
                .contains("requestMirror.backendRef.name: db (expected: an http, http2 or grpc Service; db speaks tcp)");
        assertThat(failure("    - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-v2, port: 9}}}\n"))
                .contains("requestMirror.backendRef.port: 9 (expected: 8080, the port of Service catalog-v2)");
    }

    /** A rule that only redirects: no backendRefs. */
    static final String REDIRECT_ROUTE = ROUTE.replace("    - backendRefs: [{name: catalog}]\n", "    - matches: [{path: {type: PathPrefix, value: /old}}]\n");

    static HttpRoute.Rule redirectRule(String filters) {
        return ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + REDIRECT_ROUTE + filters.indent(2))
                .httpRoutes().get(0).rules().get(0);
    }

    @Test
    void readsARedirectOnARuleWithoutBackends() {
        assertThat(redirectRule("    - {type: RequestRedirect, requestRedirect: {}}\n").redirect())
                .isEqualTo(new RequestRedirect(null, null, null, null, 302));
        assertThat(redirectRule("""
                        - type: RequestRedirect
                          requestRedirect:
                            scheme: https
                            hostname: shop.example
                            port: 8443
                            path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}
                            statusCode: 301
                """).redirect()).isEqualTo(new RequestRedirect("https", "shop.example",
                new UrlRewrite.PathModifier(UrlRewrite.PathModifier.Type.REPLACE_PREFIX_MATCH, "/new"), 8443, 301));
        assertThat(redirectRule("    - {type: RequestRedirect, requestRedirect: {statusCode: 308}}\n").backendRefs()).isEmpty();
    }

    @Test
    void aRedirectSaysWhatIsWrong() {
        assertThat(failure("    - {type: RequestRedirect, requestRedirect: {}}\n"))
                .isEqualTo("routes.yaml:22: spec.rules[0].backendRefs: set with a RequestRedirect filter (expected: none; "
                        + "the sidecar answers the request itself and sends nothing on)");
        String noBackends = REDIRECT_ROUTE;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.standard().parse("routes.yaml",
                HttpRouteKindTest.SERVICES + noBackends.replace("      filters:\n", "      retry: {attempts: 1}\n      filters:\n")
                        + "    - {type: RequestRedirect, requestRedirect: {}}\n".indent(2)));
        assertThat(e.getMessage()).contains("spec.rules[0].retry: set with a RequestRedirect filter");
        assertThat(redirectFailure("    - {type: RequestRedirect, requestRedirect: {statusCode: 304}}\n"))
                .contains("requestRedirect.statusCode: 304 (expected: 301, 302, 303, 307 or 308)");
        assertThat(redirectFailure("    - {type: RequestRedirect, requestRedirect: {scheme: ftp}}\n"))
                .contains("requestRedirect.scheme: \"ftp\" (expected: http or https)");
        assertThat(redirectFailure("    - {type: RequestRedirect, requestRedirect: {port: 0}}\n"))
                .contains("requestRedirect.port: 0 (expected: 1..65535)");
        assertThat(redirectFailure("""
                        - {type: RequestRedirect, requestRedirect: {}}
                        - {type: URLRewrite, urlRewrite: {hostname: x}}
                """)).contains("spec.rules[0].filters: URLRewrite with RequestRedirect (expected: one of them");
        ConfigException none = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.standard().parse("routes.yaml",
                HttpRouteKindTest.SERVICES + REDIRECT_ROUTE.replace("      filters:\n", "      filters: []\n")));
        assertThat(none.getMessage()).contains("spec.rules[0].backendRefs: missing (expected: at least one backendRef, or a RequestRedirect filter)");
    }

    static String redirectFailure(String filters) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + REDIRECT_ROUTE + filters.indent(2)));
        assertThat(e).as("expected the route to be rejected").isNotNull();
        return e.getMessage();
    }
}
