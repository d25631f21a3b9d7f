package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AuthorizationPolicies from YAML enforced by a real sidecar process on callers' SPIFFE IDs, seen from curl:
 * allowed requests reach the application, denied ones get 403 with the reason and are counted.
 */
class SecurityAuthorizationIT {
    @TempDir
    static Path dir;
    static SecurityPki pki;
    static HttpBackend app;
    static SecuritySidecar catalog;
    static Path web;
    static Path payments;

    @BeforeAll
    static void start() throws Exception {
        pki = new SecurityPki(dir);
        app = HttpBackend.start("catalog");
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: PeerAuthentication
                metadata: {name: default, namespace: trellis-system}
                spec: {mtls: {mode: STRICT}}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: AuthorizationPolicy
                metadata: {name: web-reads}
                spec:
                  targetRef: {kind: Service, name: catalog}
                  rules:
                    - from: [{source: {principals: ["cluster.local/ns/default/sa/web"]}}]
                      to: [{operation: {methods: [GET], paths: ["/public*"]}}]
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: AuthorizationPolicy
                metadata: {name: no-debug, namespace: trellis-system}
                spec:
                  action: DENY
                  rules: [{when: [{key: "request.headers[x-debug]", values: ["*"]}]}]
                """);
        catalog = SecuritySidecar.start(config, "catalog", app.port(), SidecarProcess.freePort(), dir,
                Map.of("TRELLIS_IDENTITY_DIR", pki.identity("catalog-identity", SecurityPki.spiffe("catalog")).toString()));
        web = pki.identity("web", SecurityPki.spiffe("web"));
        payments = pki.identity("payments", SecurityPki.spiffe("payments"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {catalog, app, pki}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static String curl(Path identity, String path, String... extra) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "-k", "--max-time", "10", "-i",
                "--cert", identity.resolve("cert-chain.pem").toString(), "--key", identity.resolve("key.pem").toString()));
        cmd.addAll(java.util.List.of(extra));
        cmd.add("https://127.0.0.1:" + catalog.inbound + path);
        return MtlsInboundIT.run(cmd.toArray(String[]::new)).output();
    }

    @Test
    void policiesDecideByTheCallersIdentityPathMethodAndHeaders() throws Exception {
        assertThat(curl(web, "/public/items", "--http1.1")).startsWith("HTTP/1.1 200").endsWith("catalog");
        assertThat(curl(web, "/public/items", "--http2")).startsWith("HTTP/2 200");

        String wrongPath = curl(web, "/private", "--http1.1");
        assertThat(wrongPath).startsWith("HTTP/1.1 403").contains("trellis-authz-reason: denied: no ALLOW policy matches");
        assertThat(curl(web, "/public/items", "-X", "DELETE")).startsWith("HTTP/2 403");
        assertThat(curl(payments, "/public/items", "--http1.1")).startsWith("HTTP/1.1 403");
        String debug = curl(web, "/public/items", "-H", "x-debug: 1", "--http2");
        assertThat(debug).startsWith("HTTP/2 403").contains("trellis-authz-reason: denied by DENY policy trellis-system/no-debug");

        assertThat(app.requests.get()).isEqualTo(2);
        assertThat(catalog.metric("authz_decision_total{policy=\"default/web-reads\",decision=\"allow\"}")).isEqualTo(2);
        assertThat(catalog.metric("authz_decision_total{policy=\"\",decision=\"deny\"}")).isEqualTo(3);
        assertThat(catalog.metric("authz_decision_total{policy=\"trellis-system/no-debug\",decision=\"deny\"}")).isEqualTo(1);
    }
}
