package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound listener of a real sidecar process against TLS clients nobody here wrote, curl and
 * openssl s_client: in STRICT only a client certificate of this mesh gets through; in PERMISSIVE
 * plaintext works too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtlsInboundIT {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080}
            """;

    @TempDir
    static Path dir;
    static SecurityPki pki;
    static HttpBackend app;
    static SecuritySidecar catalog;
    static Path config;
    static Path web;

    static String mode(String mode) {
        return SERVICES + """
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: PeerAuthentication
                metadata: {name: catalog}
                spec:
                  targetRef: {kind: Service, name: catalog}
                  mtls: {mode: %s}
                """.formatted(mode);
    }

    @BeforeAll
    static void start() throws Exception {
        pki = new SecurityPki(dir);
        app = HttpBackend.start("catalog");
        config = dir.resolve("mesh.yaml");
        Files.writeString(config, mode("STRICT"));
        Path identity = pki.identity("catalog-identity", SecurityPki.spiffe("catalog"));
        web = pki.identity("web", SecurityPki.spiffe("web"));
        catalog = SecuritySidecar.start(config, "catalog", app.port(), SidecarProcess.freePort(), dir,
                Map.of("TRELLIS_IDENTITY_DIR", identity.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
        if (app != null) {
            app.close();
        }
        pki.close();
    }

    record Result(int exit, String output) {}

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** curl over TLS with {@code identity} as the client certificate (null: none); -k: the server is named by SPIFFE ID, not host. */
    static Result curlTls(Path identity, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "10"));
        if (identity != null) {
            cmd.addAll(List.of("--cert", identity.resolve("cert-chain.pem").toString(), "--key", identity.resolve("key.pem").toString()));
        }
        cmd.addAll(List.of(extra));
        cmd.add("https://127.0.0.1:" + catalog.inbound + "/");
        return run(cmd.toArray(String[]::new));
    }

    static Result curlPlain() throws Exception {
        return run("curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + catalog.inbound + "/");
    }

    static void switchTo(String mode) throws Exception {
        Files.writeString(config, mode(mode));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> run("curl", "-s", "http://127.0.0.1:" + catalog.admin + "/config_dump")
                .output().contains("\"tlsMode\" : \"" + mode + "\""));
    }

    @Test
    @Order(1)
    void strictAcceptsAMeshClientCertificateOverHttp1AndHttp2() throws Exception {
        Result h1 = curlTls(web);
        assertThat(h1.exit()).as(h1.output()).isZero();
        assertThat(h1.output()).isEqualTo("catalog");
        Result h2 = curlTls(web, "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}");
        assertThat(h2.output()).isEqualTo("2 200");
        assertThat(catalog.metric("tls_handshake_total{direction=\"inbound\",result=\"success\"}")).isEqualTo(2);
    }

    @Test
    @Order(2)
    void strictRefusesPlaintextAndEveryWrongCertificate() throws Exception {
        int before = app.requests.get();
        assertThat(curlPlain().exit()).as("plaintext").isNotZero();
        assertThat(curlTls(null).exit()).as("no client certificate").isNotZero();
        try (SecurityPki other = new SecurityPki(dir.resolve("other-ca"))) {
            assertThat(curlTls(other.identity("stranger", SecurityPki.spiffe("web"))).exit()).as("another CA").isNotZero();
        }
        Path expired = pki.identity("expired", SecurityPki.spiffe("web"), Duration.ofHours(1),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(-2)));
        assertThat(curlTls(expired).exit()).as("an expired certificate").isNotZero();
        Path foreign = pki.identity("foreign", "spiffe://evil.example/ns/default/sa/web");
        assertThat(curlTls(foreign).exit()).as("an identity of another trust domain").isNotZero();
        assertThat(app.requests.get()).isEqualTo(before);
        assertThat(catalog.metric("tls_plaintext_total{direction=\"inbound\",result=\"refused\"}")).isEqualTo(1);
        assertThat(catalog.metric("tls_handshake_total{direction=\"inbound\",result=\"failure\"}")).isEqualTo(3);
        assertThat(catalog.metric("tls_handshake_total{direction=\"inbound\",result=\"unknown_peer\"}")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void opensslSeesTls13AlpnH2AndAChainThatVerifiesAgainstTheMeshRoot() throws Exception {
        Result ok = run("openssl", "s_client", "-connect", "127.0.0.1:" + catalog.inbound, "-alpn", "h2",
                "-CAfile", web.resolve("root-cert.pem").toString(), "-verify_return_error",
                "-cert", web.resolve("cert-chain.pem").toString(), "-key", web.resolve("key.pem").toString());
        assertThat(ok.output()).contains("New, TLSv1.3", "ALPN protocol: h2", "Verify return code: 0 (ok)");
        Result showCert = run("bash", "-c", "openssl s_client -connect 127.0.0.1:" + catalog.inbound + " -cert "
                + web.resolve("cert-chain.pem") + " -key " + web.resolve("key.pem") + " </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName");
        assertThat(showCert.output()).contains("URI:spiffe://cluster.local/ns/default/sa/catalog");

        Result noCert = run("bash", "-c", "printf 'GET / HTTP/1.1\\r\\nHost: catalog\\r\\n\\r\\n' | openssl s_client -quiet -connect 127.0.0.1:"
                + catalog.inbound + " -CAfile " + web.resolve("root-cert.pem") + " 2>&1");
        assertThat(noCert.output()).contains("certificate required").doesNotContain("HTTP/1.1 200");
    }

    @Test
    @Order(4)
    void permissiveAcceptsMutualTlsAndPlaintext() throws Exception {
        switchTo("PERMISSIVE");
        Result plain = curlPlain();
        assertThat(plain.exit()).as(plain.output()).isZero();
        assertThat(plain.output()).isEqualTo("catalog");
        assertThat(curlTls(web).output()).isEqualTo("catalog");
        assertThat(curlTls(null).exit()).as("TLS still means mutual TLS").isNotZero();
        assertThat(catalog.metric("tls_plaintext_total{direction=\"inbound\",result=\"accepted\"}")).isEqualTo(1);
    }

    @Test
    @Order(5)
    void backToStrictRefusesPlaintextAgain() throws Exception {
        switchTo("STRICT");
        assertThat(curlPlain().exit()).isNotZero();
        assertThat(curlTls(web).output()).isEqualTo("catalog");
    }
}
