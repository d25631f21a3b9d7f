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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two sidecars: the caller's outbound speaks HTTP/2 over mutual TLS to the destination's inbound. */
class SidecarMtlsTest {
    static final String CATALOG = InboundMtlsTest.CATALOG;
    static final String WEB = InboundMtlsTest.WEB;

    final TestPki pki = new TestPki("mesh root");
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    TestBackend app;
    TlsSidecar catalog;
    TlsSidecar web;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("catalog");
        ProxyTls catalogTls = ProxyTls.none();
        catalogTls.update(pki.identity(CATALOG));
        catalog = TlsSidecar.start("catalog", InboundMtlsTest.inbound(app.port(), TlsMode.STRICT), catalogTls);
        ProxyTls webTls = ProxyTls.none();
        webTls.update(pki.identity(WEB));
        web = TlsSidecar.start("web", caller(UpstreamTls.of(CATALOG)), webTls);
    }

    @AfterEach
    void stop() {
        web.close();
        catalog.close();
        app.close();
    }

    /** The caller's view: service catalog, one meshed endpoint (the other sidecar's inbound). */
    ProxySnapshot caller(UpstreamTls tls) {
        ProxySnapshot base = Snapshots.builder()
                .service("catalog", ClusterConfig.UpstreamProtocol.HTTP1)
                .build();
        Map<String, ClusterConfig> clusters = Map.of("catalog", base.clusters().get("catalog").withTls(tls));
        Endpoint meshed = new Endpoint("127.0.0.1", catalog.inbound(), 1, Map.of(), true);
        return new ProxySnapshot(base.versions(), base.listeners(), base.routeTables(), clusters,
                Map.of("catalog", new EndpointSet("catalog", List.of(meshed))));
    }

    HttpResponse<String> call(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound() + path))
                .header("Host", "catalog").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestCrossesMutualTlsBetweenTwoSidecars() throws Exception {
        HttpResponse<String> r = call("/echo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("backend=catalog");
        assertThat(web.tls.stats().outboundHandshakes()).isEqualTo(1);
        assertThat(catalog.tls.stats().inboundHandshakes()).isEqualTo(1);
        assertThat(catalog.tls.stats().plaintextRefused()).isZero();
        assertThat(call("/echo").statusCode()).isEqualTo(200);
        assertThat(web.tls.stats().outboundHandshakes()).as("the HTTP/2 connection is reused").isEqualTo(1);
    }

    @Test
    void theCallerRefusesAServerThatIsNotTheExpectedIdentity() throws Exception {
        web.config.update(caller(UpstreamTls.of("spiffe://cluster.local/ns/default/sa/payments")));
        HttpResponse<String> r = call("/echo");
        assertThat(r.statusCode()).isBetween(500, 599);
        assertThat(web.tls.stats().outboundIdentityMismatch()).isGreaterThanOrEqualTo(1);
        assertThat(app.requests()).isZero();
    }

    @Test
    void aCallerWithoutAnIdentityIsRefusedByAStrictDestination() throws Exception {
        web.close();
        web = TlsSidecar.start("web", caller(UpstreamTls.of(CATALOG)), ProxyTls.none());
        assertThat(call("/echo").statusCode()).isBetween(500, 599);
        assertThat(web.tls.stats().outboundPlaintext()).isGreaterThanOrEqualTo(1);
        assertThat(catalog.tls.stats().plaintextRefused()).isGreaterThanOrEqualTo(1);
        assertThat(app.requests()).isZero();
    }

    @Test
    void rotatingBothIdentitiesUnderLoadLosesNoRequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        SSLContext direct = TlsClients.context(pki.identity(WEB), List.of(pki.root()));
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean throughSidecars = i % 2 == 0;
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        // through both sidecars (a pooled HTTP/2 connection), or a fresh handshake with the inbound each time
                        String status = throughSidecars ? Integer.toString(call("/echo").statusCode())
                                : TlsClients.get(direct, catalog.inbound(), "/echo").substring(9, 12);
                        if (status.equals("200")) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(status);
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            t.start();
            load.add(t);
        }
        X509Certificate before = TlsClients.serverCertificate(direct, catalog.inbound());
        for (int round = 0; round < 20; round++) {
            int target = ok.get() + 20;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= target);
            catalog.tls.update(pki.identity(CATALOG));
            web.tls.update(pki.identity(WEB));
        }
        running.set(false);
        for (Thread t : load) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(400);
        assertThat(TlsClients.serverCertificate(direct, catalog.inbound()).getSerialNumber())
                .as("new connections get the new certificate").isNotEqualTo(before.getSerialNumber());
        assertThat(catalog.tls.stats().refreshes()).isEqualTo(21);
    }
}
