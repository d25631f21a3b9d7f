package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.AuthorizationPolicy;
import org.junit.jupiter.api.Test;

class AuthorizationPolicyKindTest {
    static final String SERVICE = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: AuthorizationPolicy
            """;

    static ResourceSet load(String policy) {
        return ConfigLoader.standard().parse("mesh.yaml", SERVICE + policy);
    }

    @Test
    void readsIstiosShape() {
        AuthorizationPolicy p = load("""
                metadata: {name: readers}
                spec:
                  targetRef: {kind: Service, name: catalog}
                  action: DENY
                  rules:
                    - from: [{source: {notPrincipals: ["cluster.local/ns/default/sa/web"]}}]
                      to: [{operation: {notMethods: [delete], ports: ["8080", 9090]}}]
                      when: [{key: "request.headers[X-Debug]", values: ["*"]}]
                """).ofType(AuthorizationPolicy.class).get(0);
        assertThat(p.action()).isEqualTo(AuthorizationPolicy.Action.DENY);
        assertThat(p.target()).isEqualTo("catalog");
        assertThat(p.rules().get(0).to().get(0).notMethods()).containsExactly("DELETE");
        assertThat(p.rules().get(0).to().get(0).ports()).containsExactly(8080, 9090);
        assertThat(p.rules().get(0).when().get(0).header()).isEqualTo("x-debug");
    }

    @Test
    void reportsMistakesWithTheirLine() {
        assertThatThrownBy(() -> load("metadata: {name: x}\nspec: {action: AUDIT}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mesh.yaml:9: spec.action").hasMessageContaining("(expected: ALLOW or DENY)");
        assertThatThrownBy(() -> load("metadata: {name: x}\nspec: {rules: [{to: [{operation: {paths: [\"/a/*/b\"]}}]}]}\n"))
                .hasMessageContaining("/a/*/b (expected: \"*\", \"prefix*\", \"*suffix\" or an exact value)");
        assertThatThrownBy(() -> load("metadata: {name: x}\nspec: {rules: [{when: [{key: source.ip, values: [x]}]}]}\n"))
                .hasMessageContaining("(expected: request.headers[<name>])");
        assertThatThrownBy(() -> load("metadata: {name: x}\nspec: {targetRef: {kind: Service, name: nope}}\n"))
                .hasMessageContaining("spec.targetRef.name: nope (expected: an existing Service");
        assertThatThrownBy(() -> load("metadata: {name: x}\nspec: {rules: [{to: [{operation: {ports: [\"http\"]}}]}]}\n"))
                .hasMessageContaining("(expected: a port, 1..65535)");
    }

    @Test
    void aServiceGetsItsOwnItsNamespacesAndTheMeshsPoliciesDenyFirst() {
        ResourceSet all = ConfigLoader.standard().parse("mesh.yaml", SERVICE.replace("---\napiVersion: trellis.dev/v1alpha1\nkind: AuthorizationPolicy\n", "")
                + policy("own", "default", "catalog", "ALLOW") + policy("ns", "default", null, "ALLOW")
                + policy("mesh", "trellis-system", null, "DENY") + policy("elsewhere", "shop", null, "DENY"));
        assertThat(AuthorizationPolicyKind.policiesOf(all, "default", "catalog")).extracting(AuthorizationPolicy::name)
                .containsExactly("mesh", "own", "ns");
    }

    static String policy(String name, String ns, String target, String action) {
        return "---\napiVersion: trellis.dev/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n"
                + (target == null ? "" : "  targetRef: {kind: Service, name: " + target + "}\n") + "  action: " + action + "\n";
    }
}
