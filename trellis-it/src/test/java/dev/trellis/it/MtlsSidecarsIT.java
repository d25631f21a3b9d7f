package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proxy.tls.CertificateRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sidecar processes that obtained their certificates from the CA with bootstrap tokens call each other
 * over mutual TLS under a mesh-wide STRICT policy; a destination that cannot prove the expected identity
 * (openssl s_server with another service's certificate) is refused; a token for one service cannot obtain
 * a certificate for another.
 */
class MtlsSidecarsIT {
    @TempDir
    static Path dir;
    static SecurityPki pki;
    static String caAddress;
    static HttpBackend app;
    static SecuritySidecar catalog;
    static SecuritySidecar web;
    static Process impostor;
    static int impostorPort;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        pki = new SecurityPki(dir);
        caAddress = pki.serve();
        app = HttpBackend.start("catalog");
        int catalogInbound = SidecarProcess.freePort();
        impostorPort = SidecarProcess.freePort();
        Path payments = pki.identity("payments", SecurityPki.spiffe("payments"));
        impostor = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + impostorPort, "-tls1_3", "-www",
                "-cert", payments.resolve("cert-chain.pem").toString(), "-key", payments.resolve("key.pem").toString(),
                "-CAfile", payments.resolve("root-cert.pem").toString(), "-Verify", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile()).start();
        Path config = dir.resolve("mesh.yaml");
        Files.writeString(config, """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d", meshed: true}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: orders}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d", meshed: true}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: PeerAuthentication
                metadata: {name: default, namespace: trellis-system}
                spec: {mtls: {mode: STRICT}}
                """.formatted(catalogInbound, impostorPort));
        catalog = SecuritySidecar.start(config, "catalog", app.port(), catalogInbound, dir,
                Map.of("TRELLIS_CA_ADDRESS", caAddress, "TRELLIS_TOKEN", pki.token("catalog")));
        web = SecuritySidecar.start(config, "web", 0, SidecarProcess.freePort(), dir,
                Map.of("TRELLIS_CA_ADDRESS", caAddress, "TRELLIS_TOKEN", pki.token("web")));
        for (SecuritySidecar s : new SecuritySidecar[] {catalog, web}) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> s.metric("identity_cert_expiration_timestamp_seconds") > 0);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {web, catalog, app, pki}) {
            if (c != null) {
                c.close();
            }
        }
        if (impostor != null) {
            impostor.destroy();
            impostor.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static HttpResponse<String> call(String service) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound + "/")).header("Host", service)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sidecarsWithCaIssuedIdentitiesCallEachOtherOverMutualTls() throws Exception {
        HttpResponse<String> r = call("catalog");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("catalog");
        assertThat(web.metric("tls_handshake_total{direction=\"outbound\",result=\"success\"}")).isGreaterThanOrEqualTo(1);
        assertThat(catalog.metric("tls_handshake_total{direction=\"inbound\",result=\"success\"}")).isGreaterThanOrEqualTo(1);
        assertThat(catalog.metric("tls_plaintext_total{direction=\"inbound\",result=\"refused\"}")).isZero();
        assertThat(web.log()).contains("workload identity spiffe://cluster.local/ns/default/sa/web from the CA");
        // a sidecar's plaintext port is closed to anyone without a certificate
        assertThat(TrellisProcess.status("http://127.0.0.1:" + catalog.inbound + "/")).isEqualTo(-1);
    }

    @Test
    void aDestinationThatIsNotTheExpectedIdentityIsRefused() throws Exception {
        HttpResponse<String> r = call("orders");
        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(web.metric("tls_handshake_total{direction=\"outbound\",result=\"identity_mismatch\"}")).isGreaterThanOrEqualTo(1);
        assertThat(Files.readString(dir.resolve("s_server.log"))).doesNotContain("GET /");
    }

    @Test
    void aTokenForOneServiceCannotObtainACertificateForAnother() throws Exception {
        String csr = CertificateRequests.csr(CertificateRequests.newKeyPair(), SecurityPki.spiffe("catalog"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + caAddress + "/api/v1/certificates"))
                .header("Authorization", "Bearer " + pki.token("web"))
                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().createObjectNode().put("csr", csr).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("spiffe://cluster.local/ns/default/sa/catalog (expected: spiffe://cluster.local/ns/default/sa/web");
    }
}
