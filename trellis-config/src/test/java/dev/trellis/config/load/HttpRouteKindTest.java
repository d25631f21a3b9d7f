package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ConfigProblem;
import dev.trellis.config.resource.HttpRoute;
import org.junit.jupiter.api.Test;

/** HTTPRoute validation: every message and its line. Lines 1-12 are the Services, the route starts at 14. */
class HttpRouteKindTest {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog-v2}
            spec: {port: 8080}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: db}
            spec: {protocol: tcp, port: 5432}
            ---
            """;
    // line 16:
    static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: split}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - matches:
                    - path: {type: PathPrefix, value: /admin}
                      headers: [{name: x-canary, value: "1"}]
                  backendRefs: [{name: catalog-v2}]
                - backendRefs:
                    - {name: catalog, weight: 90}
                    - {name: catalog-v2, weight: 10}
                  timeouts: {request: 2s}
            """;

    private static String failure(String route) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.standard().parse("routes.yaml", SERVICES + route));
        assertThat(e).as("expected the route to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void theValidRouteLoads() {
        assertThat(ConfigLoader.standard().parse("routes.yaml", SERVICES + ROUTE).httpRoutes()).hasSize(1);
    }

    @Test
    void negativeAndHugeWeights() {
        assertThat(failure(ROUTE.replace("weight: 90", "weight: -1")))
                .isEqualTo("routes.yaml:27: spec.rules[1].backendRefs[0].weight: -1 (expected: >= 0)");
        assertThat(failure(ROUTE.replace("weight: 90", "weight: 1000001")))
                .isEqualTo("routes.yaml:27: spec.rules[1].backendRefs[0].weight: 1000001 (expected: <= 1000000)");
        assertThat(failure(ROUTE.replace("weight: 90", "weight: 0").replace("weight: 10", "weight: 0")))
                .isEqualTo("routes.yaml:27: spec.rules[1].backendRefs: total weight 0 (expected: > 0)");
    }

    @Test
    void badDurations() {
        assertThat(failure(ROUTE.replace("request: 2s", "request: 2")))
                .isEqualTo("routes.yaml:29: spec.rules[1].timeouts.request: \"2\" (expected: a duration like 2s, 500ms, 1m or 1h30m)");
        assertThat(failure(ROUTE.replace("request: 2s", "request: 1.5s")))
                .isEqualTo("routes.yaml:29: spec.rules[1].timeouts.request: \"1.5s\" (expected: a duration like 2s, 500ms, 1m or 1h30m)");
        assertThat(failure(ROUTE.replace("request: 2s", "request: 2s, backendRequest: 3s")))
                .isEqualTo("routes.yaml:29: spec.rules[1].timeouts.backendRequest: 3s (expected: <= request timeout 2s)");
        assertThat(failure(ROUTE.replace("request: 2s", "requets: 2s")))
                .isEqualTo("routes.yaml:29: spec.rules[1].timeouts.requets: unknown field (did you mean request?)");
    }

    @Test
    void danglingReferencesAreReportedWhereTheyAreWritten() {
        assertThat(failure(ROUTE.replace("{name: catalog-v2, weight: 10}", "{name: catalog-v3, weight: 10}")))
                .isEqualTo("routes.yaml:28: spec.rules[1].backendRefs[1].name: catalog-v3"
                        + " (expected: an existing Service; none named catalog-v3 in namespace default)");
        assertThat(failure(ROUTE.replace("name: catalog}]", "name: catalog, namespace: shop}]")))
                .isEqualTo("routes.yaml:20: spec.parentRefs[0].name: catalog (expected: an existing Service; none named catalog in namespace shop)");
        assertThat(failure(ROUTE.replace("name: catalog}]", "name: db}]")))
                .isEqualTo("routes.yaml:20: spec.parentRefs[0].name: db (expected: an http, http2 or grpc Service; db speaks tcp)");
        assertThat(failure(ROUTE.replace("name: catalog}]", "name: catalog, port: 80}]")))
                .isEqualTo("routes.yaml:20: spec.parentRefs[0].port: 80 (expected: 8080, the port of Service catalog)");
    }

    @Test
    void allDanglingReferencesAtOnce() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.standard().parse("routes.yaml",
                SERVICES + ROUTE.replace("catalog-v2", "gone")));
        assertThat(e.problems()).extracting(ConfigProblem::toString).extracting(s -> s.substring(0, s.indexOf(" (")))
                .containsExactly("routes.yaml:25: spec.rules[0].backendRefs[0].name: gone",
                        "routes.yaml:28: spec.rules[1].backendRefs[1].name: gone");
    }

    @Test
    void parentRefsMustNameAServiceExplicitly() {
        assertThat(failure(ROUTE.replace("{kind: Service, name: catalog}", "{name: catalog}")))
                .isEqualTo("routes.yaml:20: spec.parentRefs[0].kind: missing (expected: Service; Gateway API defaults to Gateway,"
                        + " which a mesh has none of)");
        assertThat(failure(ROUTE.replace("{kind: Service, name: catalog}", "{kind: Gateway, name: catalog}")))
                .isEqualTo("routes.yaml:20: spec.parentRefs[0].kind: \"Gateway\" (expected: Service)");
        assertThat(failure(ROUTE.replace("{kind: Service, name: catalog}", "{group: gateway.networking.k8s.io, kind: Service, name: catalog}")))
                .isEqualTo("routes.yaml:20: spec.parentRefs[0].group: \"gateway.networking.k8s.io\" (expected: \"\" (the core group of Service))");
        assertThat(ConfigLoader.standard().parse("routes.yaml", SERVICES
                + ROUTE.replace("{kind: Service, name: catalog}", "{group: \"\", kind: Service, name: catalog}")).httpRoutes()).hasSize(1);
        assertThat(failure(ROUTE.replace("  parentRefs: [{kind: Service, name: catalog}]\n", "")))
                .isEqualTo("routes.yaml:19: spec.parentRefs: missing (expected: at least one parentRef to a Service)");
    }

    @Test
    void matchValues() {
        assertThat(failure(ROUTE.replace("type: PathPrefix", "type: Prefix")))
                .isEqualTo("routes.yaml:23: spec.rules[0].matches[0].path.type: \"Prefix\" (expected: Exact, PathPrefix or RegularExpression)");
        assertThat(failure(ROUTE.replace("value: /admin", "value: admin")))
                .isEqualTo("routes.yaml:23: spec.rules[0].matches[0].path.value: \"admin\" (expected: a path starting with /)");
        assertThat(failure(ROUTE.replace("{type: PathPrefix, value: /admin}", "{type: RegularExpression, value: \"/admin(\"}")))
                .startsWith("routes.yaml:23: spec.rules[0].matches[0].path.value: \"/admin(\" (expected: a regular expression; ");
        assertThat(failure(ROUTE.replace("headers: [{name: x-canary", "headers: [{type: Prefix, name: x-canary")))
                .isEqualTo("routes.yaml:24: spec.rules[0].matches[0].headers[0].type: \"Prefix\" (expected: Exact or RegularExpression)");
        assertThat(failure(ROUTE.replace("headers: [{name: x-canary, value: \"1\"}]", "headers: [{name: x-a, value: \"1\"}, {name: X-A, value: \"2\"}]")))
                .isEqualTo("routes.yaml:24: spec.rules[0].matches[0].headers[1].name: X-A (expected: each name once per match)");
        assertThat(failure(ROUTE.replace("headers: [{name: x-canary", "headers: [{name: \"x canary\"")))
                .isEqualTo("routes.yaml:24: spec.rules[0].matches[0].headers[0].name: \"x canary\" (expected: an HTTP header name)");
        assertThat(failure(ROUTE.replace("headers: [{name: x-canary, value: \"1\"}]", "method: get")))
                .isEqualTo("routes.yaml:24: spec.rules[0].matches[0].method: \"get\" (expected: one of CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE)");
        assertThat(failure(ROUTE.replace("headers: [{name: x-canary", "headres: [{name: x-canary")))
                .isEqualTo("routes.yaml:24: spec.rules[0].matches[0].headres: unknown field (did you mean headers?)");
    }

    @Test
    void rulesMayBeNamedOncePerRoute() {
        String named = ROUTE.replace("    - matches:\n", "    - name: admin\n      matches:\n");
        HttpRoute route = ConfigLoader.standard().parse("routes.yaml", SERVICES + named).httpRoutes().get(0);
        assertThat(route.rules()).extracting(HttpRoute.Rule::name).containsExactly("admin", null);
        assertThat(failure(named.replace("    - backendRefs:\n", "    - name: admin\n      backendRefs:\n")))
                .isEqualTo("routes.yaml:27: spec.rules[1].name: admin (expected: unique among the route's rules)");
        assertThat(failure(ROUTE.replace("    - matches:\n", "    - name: Admin_Rule\n      matches:\n")))
                .startsWith("routes.yaml:22: spec.rules[0].name: \"Admin_Rule\" (expected: a DNS label");
    }

    @Test
    void rulesNeedBackends() {
        assertThat(failure(ROUTE.replace("      backendRefs: [{name: catalog-v2}]\n", "")))
                .isEqualTo("routes.yaml:22: spec.rules[0].backendRefs: missing (expected: at least one backendRef, or a RequestRedirect filter)");
        assertThat(failure(ROUTE.replace("[{name: catalog-v2}]", "[{name: catalog-v2, kind: ServiceImport}]")))
                .isEqualTo("routes.yaml:25: spec.rules[0].backendRefs[0].kind: \"ServiceImport\" (expected: Service)");
    }

    @Test
    void backendFiltersAreNotSupportedYetAndSaySo() {
        assertThat(failure(ROUTE.replace("{name: catalog, weight: 90}", "{name: catalog, weight: 90, filters: []}")))
                .isEqualTo("routes.yaml:27: spec.rules[1].backendRefs[0].filters: unknown field (expected one of: group, kind, name, "
                        + "namespace, port, weight)");
    }

    @Test
    void hostnamesMayNotNameAnotherService() {
        assertThat(failure(ROUTE.replace("  rules:", "  hostnames: [catalog.example.com, \"*.shop.com\"]\n  rules:")))
                .isEqualTo("routes.yaml:21: spec.hostnames[1]: \"*.shop.com\" (expected: a host name; wildcards are not supported)");
        assertThat(failure(ROUTE.replace("  rules:", "  hostnames: [catalog-v2.default]\n  rules:")))
                .isEqualTo("routes.yaml:16: spec.hostnames: catalog-v2.default (expected: a host name no other Service has;"
                        + " it names Service default/catalog-v2)");
        String other = ROUTE.replace("name: split", "name: other").replace("name: catalog}]", "name: catalog-v2}]");
        assertThat(failure(ROUTE.replace("  rules:", "  hostnames: [shop.example.com]\n  rules:") + "---\n"
                + other.replace("  rules:", "  hostnames: [shop.example.com]\n  rules:")))
                .isEqualTo("routes.yaml:32: spec.hostnames: shop.example.com (expected: a host name no other Service has;"
                        + " HTTPRoute default/split at routes.yaml:16 gives it to Service default/catalog)");
    }
}
