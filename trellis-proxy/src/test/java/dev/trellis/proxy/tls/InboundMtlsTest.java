package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbound listener with mutual TLS, against the JDK's TLS client. */
class InboundMtlsTest {
    static final String CATALOG = "spiffe://cluster.local/ns/default/sa/catalog";
    static final String WEB = "spiffe://cluster.local/ns/default/sa/web";

    final TestPki pki = new TestPki("mesh root");
    TestBackend app;
    TlsSidecar sidecar;

    @BeforeEach
    void startApp() throws IOException {
        app = TestBackend.start("catalog");
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        app.close();
    }

    static ProxySnapshot inbound(int appPort, TlsMode mode) {
        return Snapshots.builder()
                .listener(new ListenerConfig("inbound", ListenerConfig.Direction.INBOUND, 0, ListenerConfig.ListenerProtocol.HTTP,
                        "inbound", "inbound|" + appPort, true, Duration.ofMillis(300), mode))
                .app(appPort, ClusterConfig.UpstreamProtocol.HTTP1)
                .build();
    }

    void start(TlsMode mode) throws InterruptedException {
        ProxyTls tls = ProxyTls.none();
        tls.update(pki.identity(CATALOG));
        sidecar = TlsSidecar.start("catalog", inbound(app.port(), mode), tls);
    }

    String mtls(WorkloadIdentity client) {
        try {
            return TlsClients.get(TlsClients.context(client, List.of(pki.root())), sidecar.inbound(), "/echo");
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    String plain() {
        try {
            return TlsClients.getPlain(sidecar.inbound(), "/echo");
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    @Test
    void strictServesMutualTlsAndRefusesPlaintext() throws Exception {
        start(TlsMode.STRICT);
        assertThat(mtls(pki.identity(WEB))).startsWith("HTTP/1.1 200").contains("backend=catalog");
        assertThat(sidecar.tls.stats().inboundHandshakes()).isEqualTo(1);

        assertThat(plain()).doesNotContain("HTTP/1.1");
        assertThat(sidecar.tls.stats().plaintextRefused()).isEqualTo(1);
        assertThat(app.requests()).isEqualTo(1);
    }

    @Test
    void permissiveServesBoth() throws Exception {
        start(TlsMode.PERMISSIVE);
        assertThat(mtls(pki.identity(WEB))).startsWith("HTTP/1.1 200");
        assertThat(plain()).startsWith("HTTP/1.1 200");
        assertThat(sidecar.tls.stats().inboundHandshakes()).isEqualTo(1);
        assertThat(sidecar.tls.stats().plaintextAccepted()).isEqualTo(1);
    }

    @Test
    void refusesNoCertificateAnotherCaAnExpiredCertificateAndAForeignTrustDomain() throws Exception {
        start(TlsMode.STRICT);
        Instant now = Instant.now();
        assertThat(mtls(null)).as("no client certificate").doesNotContain("HTTP/1.1");
        assertThat(mtls(new TestPki("another root").identity(WEB))).as("another CA").doesNotContain("HTTP/1.1");
        assertThat(mtls(pki.identity(WEB, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)))))
                .as("expired").doesNotContain("HTTP/1.1");
        assertThat(mtls(pki.identity("spiffe://other.domain/ns/default/sa/web"))).as("another trust domain")
                .doesNotContain("HTTP/1.1");
        assertThat(app.requests()).isZero();
        assertThat(sidecar.tls.stats().inboundFailures()).isEqualTo(3);
        assertThat(sidecar.tls.stats().inboundUnknownPeer()).isEqualTo(1);
        // the same client with a good certificate gets through
        assertThat(mtls(pki.identity(WEB))).startsWith("HTTP/1.1 200");
    }

    @Test
    void withoutAnIdentityStrictRefusesEverythingAndPermissiveServesPlaintext() throws Exception {
        sidecar = TlsSidecar.start("catalog", inbound(app.port(), TlsMode.STRICT), ProxyTls.none());
        assertThat(mtls(pki.identity(WEB))).doesNotContain("HTTP/1.1");
        assertThat(plain()).doesNotContain("HTTP/1.1");
        sidecar.config.update(inbound(app.port(), TlsMode.PERMISSIVE));
        assertThat(plain()).startsWith("HTTP/1.1 200");
    }

    @Test
    void aModeChangeAppliesToNewConnections() throws Exception {
        start(TlsMode.PERMISSIVE);
        assertThat(plain()).startsWith("HTTP/1.1 200");
        sidecar.config.update(inbound(app.port(), TlsMode.STRICT));
        assertThat(plain()).doesNotContain("HTTP/1.1");
        assertThat(mtls(pki.identity(WEB))).startsWith("HTTP/1.1 200");
    }

    @Test
    void disableLeavesTlsBytesToTheTcpFallback() throws Exception {
        start(TlsMode.DISABLE);
        assertThat(plain()).startsWith("HTTP/1.1 200");
        assertThat(mtls(pki.identity(WEB))).doesNotContain("HTTP/1.1 200");
        assertThat(sidecar.tls.stats().inboundHandshakes()).isZero();
    }

    @Test
    void usesBoringSslWhenItLoads() {
        assertThat(SslContexts.provider()).isEqualTo(io.netty.handler.ssl.SslProvider.OPENSSL);
    }
}
