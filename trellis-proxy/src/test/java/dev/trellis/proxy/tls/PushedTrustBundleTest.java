package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/**
 * A trust bundle pushed by the control plane (SDS ROOTCA) is what the sidecar verifies peers with: a destination
 * whose certificate comes from a new root is refused until the bundle carrying that root is pushed, then accepted.
 * While pushes are live the source does not poll its CA for the bundle.
 */
class PushedTrustBundleTest {
    static final String TOKEN = "trellis1." + Base64.getUrlEncoder().withoutPadding()
            .encodeToString(("{\"sub\":\"" + InboundMtlsTest.WEB + "\"}").getBytes(StandardCharsets.UTF_8)) + ".mac";

    /** The CA's side of a CSR, signed by a test root (the control plane is another process). */
    static final class TestIssuer implements CertificateIssuer {
        final TestPki pki;
        final AtomicInteger polls = new AtomicInteger();

        TestIssuer(TestPki pki) {
            this.pki = pki;
        }

        @Override
        public Issued issue(String token, String csrPem, Duration ttl) {
            try (var reader = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(csrPem))) {
                PKCS10CertificationRequest csr = (PKCS10CertificationRequest) reader.readObject();
                var key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
                Instant now = Instant.now();
                X509Certificate cert = pki.certificate(key, CertificateRequests.tokenIdentity(token), now.minusSeconds(60), now.plusSeconds(3600));
                return new Issued(List.of(cert), List.of(pki.root()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public Optional<List<X509Certificate>> trustBundle() {
            polls.incrementAndGet();
            return Optional.of(List.of(pki.root()));
        }

        @Override
        public String describe() {
            return "test CA";
        }
    }

    /** The caller's view: service catalog, one meshed endpoint (the other sidecar's inbound). */
    static ProxySnapshot caller(int inbound) {
        ProxySnapshot base = Snapshots.builder().service("catalog", ClusterConfig.UpstreamProtocol.HTTP1).build();
        Map<String, ClusterConfig> clusters = Map.of("catalog", base.clusters().get("catalog").withTls(UpstreamTls.of(InboundMtlsTest.CATALOG)));
        Endpoint meshed = new Endpoint("127.0.0.1", inbound, 1, Map.of(), true);
        return new ProxySnapshot(base.versions(), base.listeners(), base.routeTables(), clusters,
                Map.of("catalog", new EndpointSet("catalog", List.of(meshed))));
    }

    @Test
    void aPeerOfANewRootIsAcceptedOnceTheBundleCarryingItIsPushed() throws Exception {
        TestPki current = new TestPki("current root");
        TestPki next = new TestPki("next root");
        TestIssuer issuer = new TestIssuer(current);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestBackend app = TestBackend.start("catalog")) {
            ProxyTls catalogTls = ProxyTls.none();
            catalogTls.update(next.identity(InboundMtlsTest.CATALOG).withTrustBundle(List.of(current.root(), next.root())));
            TlsSidecar catalog = TlsSidecar.start("catalog", InboundMtlsTest.inbound(app.port(), TlsMode.STRICT), catalogTls);
            ProxyTls webTls = ProxyTls.from(new CaCertificateSource(issuer, () -> TOKEN, null, Duration.ofMillis(100), Clock.systemUTC()));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> webTls.current() != null);
            TlsSidecar web = TlsSidecar.start("web", caller(catalog.inbound()), webTls);
            try {
                HttpRequest call = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound() + "/echo"))
                        .header("Host", "catalog").build();
                assertThat(http.send(call, HttpResponse.BodyHandlers.ofString()).statusCode()).as("the new root is not trusted yet")
                        .isBetween(500, 599);
                assertThat(webTls.stats().outboundFailures()).isGreaterThanOrEqualTo(1);
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> issuer.polls.get() > 0); // polling without pushes

                webTls.trustBundlePushed(List.of(current.root(), next.root()));
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> webTls.current().identity().trustBundle().size() == 2);
                HttpResponse<String> r = http.send(call, HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("backend=catalog");

                int polled = issuer.polls.get();
                // five poll periods: at most one poll already under way when the push came
                Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> issuer.polls.get() <= polled + 1);
                assertThat(webTls.current().identity().trustBundle()).as("the pushed bundle stays").hasSize(2);

                webTls.trustBundlePushLive(false);
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> issuer.polls.get() > polled + 1);
            } finally {
                web.close();
                catalog.close();
                webTls.close();
            }
        }
    }
}
