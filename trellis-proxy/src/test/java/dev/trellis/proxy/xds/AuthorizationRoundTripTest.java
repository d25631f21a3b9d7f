package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.AuthorizationPolicy;
import dev.trellis.proxy.config.AuthorizationPolicy.Action;
import dev.trellis.proxy.config.AuthorizationPolicy.Condition;
import dev.trellis.proxy.config.AuthorizationPolicy.Operation;
import dev.trellis.proxy.config.AuthorizationPolicy.Rule;
import dev.trellis.proxy.config.AuthorizationPolicy.Source;
import dev.trellis.proxy.config.AuthorizationPolicy.StringMatch;
import dev.trellis.proxy.filter.authz.Authorizer;
import dev.trellis.proxy.filter.authz.AuthzRequest;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AuthorizationPolicy YAML through Envoy RBAC filters into the proxy's records, and the decisions they make. */
class AuthorizationRoundTripTest {
    static final String YAML = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: AuthorizationPolicy
            metadata: {name: readers}
            spec:
              targetRef: {kind: Service, name: catalog}
              rules:
                - from: [{source: {principals: ["cluster.local/ns/default/sa/web"]}}, {source: {namespaces: [ops]}}]
                  to: [{operation: {methods: [GET, head], paths: ["/items*"], notPaths: ["*.secret"], ports: ["9001"]}}]
                  when: [{key: "request.headers[X-Tenant]", values: [acme, "beta*"], notValues: [blocked]}]
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: AuthorizationPolicy
            metadata: {name: no-payments, namespace: trellis-system}
            spec:
              action: DENY
              rules: [{from: [{source: {principals: ["*/sa/payments"]}}]}]
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: AuthorizationPolicy
            metadata: {name: other-service}
            spec:
              targetRef: {kind: Service, name: web}
              action: DENY
              rules: [{}]
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: web}
            spec: {port: 8080}
            """;

    static Authorization decoded(String yaml) {
        XdsResources xds = XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", yaml), ProxyNode.of("catalog", 9001));
        return XdsDecoder.decode(xds, Map.of()).listeners().get("inbound").authorization();
    }

    static AuthzRequest request(String principal, String method, String path, String... headers) {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new AuthzRequest(principal, 9001, method, path, h);
    }

    @Test
    void policiesRoundTripThroughRbac() {
        Authorization a = decoded(YAML);
        assertThat(a.policies()).containsExactly(
                new AuthorizationPolicy("trellis-system/no-payments", Action.DENY, List.of(new Rule(
                        List.of(new Source(List.of(StringMatch.of("*/sa/payments")), List.of(), List.of(), List.of())), List.of(), List.of()))),
                new AuthorizationPolicy("default/readers", Action.ALLOW, List.of(new Rule(
                        List.of(new Source(List.of(StringMatch.of("cluster.local/ns/default/sa/web")), List.of(), List.of(), List.of()),
                                new Source(List.of(), List.of(), List.of(StringMatch.of("ops")), List.of())),
                        List.of(new Operation(List.of("GET", "HEAD"), List.of(), List.of(StringMatch.of("/items*")),
                                List.of(StringMatch.of("*.secret")), List.of(9001), List.of())),
                        List.of(new Condition("x-tenant", List.of(StringMatch.of("acme"), StringMatch.of("beta*")),
                                List.of(StringMatch.of("blocked"))))))));
    }

    @Test
    void theDecodedPoliciesDecideAsWritten() {
        Authorization a = decoded(YAML);
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/web", "GET", "/items/1", "x-tenant", "acme")).allowed()).isTrue();
        assertThat(Authorizer.decide(a, request("cluster.local/ns/ops/sa/tool", "HEAD", "/items", "x-tenant", "beta-2")).allowed()).isTrue();
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/web", "GET", "/items/key.secret", "x-tenant", "acme")).allowed()).isFalse();
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/web", "GET", "/items", "x-tenant", "blocked")).allowed()).isFalse();
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/web", "POST", "/items", "x-tenant", "acme")).allowed()).isFalse();
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/payments", "GET", "/items", "x-tenant", "acme")).reason())
                .isEqualTo("denied by DENY policy trellis-system/no-payments");
    }

    @Test
    void allowNothingIsADefaultDeny() {
        Authorization a = decoded("""
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: AuthorizationPolicy
                metadata: {name: allow-nothing}
                spec: {}
                """);
        assertThat(a.policies()).containsExactly(new AuthorizationPolicy("allow-nothing", Action.ALLOW, List.of()));
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/web", "GET", "/")).allowed()).isFalse();
        assertThat(decoded(YAML.substring(0, YAML.indexOf("---"))).isEmpty()).isTrue();
    }

    @Test
    void refusesRbacItCannotEvaluate() throws Exception {
        XdsResources xds = XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", YAML), ProxyNode.of("catalog", 9001));
        Listener inbound = xds.listeners().stream().filter(l -> l.getName().equals("inbound")).findFirst().orElseThrow();
        HttpConnectionManager hcm = inbound.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
        var filter = hcm.getHttpFilters(0);
        var rbac = filter.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class);
        var policy = rbac.getRules().getPoliciesMap().values().iterator().next();
        var byIp = rbac.toBuilder().setRules(rbac.getRules().toBuilder().putPolicies("ip", policy.toBuilder().clearPrincipals()
                .addPrincipals(Principal.newBuilder().setRemoteIp(io.envoyproxy.envoy.config.core.v3.CidrRange.newBuilder()
                        .setAddressPrefix("10.0.0.0"))).build())).build();
        assertThatThrownBy(() -> AuthorizationDecoder.decode(hcm.toBuilder().setHttpFilters(0, filter.toBuilder()
                .setTypedConfig(Any.pack(byIp))).build(), "inbound", "f"))
                .hasMessageContaining("REMOTE_IP (expected: authenticated principal names");
        var regex = rbac.toBuilder().setRules(rbac.getRules().toBuilder().putPolicies("re", policy.toBuilder().clearPrincipals()
                .addPrincipals(Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(
                        io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("a|b")))))
                .build())).build();
        assertThatThrownBy(() -> AuthorizationDecoder.decode(hcm.toBuilder().setHttpFilters(0, filter.toBuilder()
                .setTypedConfig(Any.pack(regex))).build(), "inbound", "f"))
                .hasMessageContaining("safe_regex a|b (expected: only");
        assertThatThrownBy(() -> AuthorizationDecoder.decode(hcm.toBuilder().addHttpFilters(filter).build(), "inbound", "f"))
                .hasMessageContaining("(expected: RBAC filters first)");
    }
}
