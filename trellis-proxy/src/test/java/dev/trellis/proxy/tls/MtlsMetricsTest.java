package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.StrictExposition;
import dev.trellis.proxy.testing.TcpServers;
import dev.trellis.proxy.testing.TestBackend;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request and TCP metrics carry the mutual TLS peer: client_id inbound, server_id outbound. */
class MtlsMetricsTest {
    static final String CATALOG = InboundMtlsTest.CATALOG;
    static final String WEB = InboundMtlsTest.WEB;

    final TestPki pki = new TestPki("mesh root");
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    TestBackend app;
    TlsSidecar catalog;
    TlsSidecar web;
    WorkloadIdentity catalogId;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("catalog");
        ProxyTls catalogTls = ProxyTls.none();
        catalogId = pki.identity(CATALOG);
        catalogTls.update(catalogId);
        catalog = TlsSidecar.start("catalog", InboundMtlsTest.inbound(app.port(), TlsMode.PERMISSIVE), catalogTls);
        ProxyTls webTls = ProxyTls.none();
        webTls.update(pki.identity(WEB));
        web = TlsSidecar.start("web", callerOf(catalog, UpstreamTls.of(CATALOG)), webTls);
    }

    @AfterEach
    void stop() {
        web.close();
        catalog.close();
        app.close();
    }

    /** The caller's view: service catalog, one meshed endpoint (the destination sidecar's inbound). */
    static ProxySnapshot callerOf(TlsSidecar destination, UpstreamTls tls) {
        ProxySnapshot base = Snapshots.builder().service("catalog", ClusterConfig.UpstreamProtocol.HTTP1).build();
        Endpoint meshed = new Endpoint("127.0.0.1", destination.inbound(), 1, Map.of(), true);
        return new ProxySnapshot(base.versions(), base.listeners(), base.routeTables(),
                Map.of("catalog", base.clusters().get("catalog").withTls(tls)),
                Map.of("catalog", new EndpointSet("catalog", List.of(meshed))));
    }

    int call(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound() + path)).header("Host", "catalog").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void requestsAreCountedWithTheProvenClientAndTheExpectedServer() throws Exception {
        assertThat(call("/echo")).isEqualTo(200);
        assertThat(call("/status/503")).isEqualTo(503);

        StrictExposition caller = StrictExposition.parse(web.metrics.scrape());
        Map<String, String> outbound = Map.of("direction", "outbound", "dst_service", "catalog", "tls", "true", "server_id", CATALOG);
        assertThat(caller.sum("request_total", outbound)).isEqualTo(2);
        assertThat(caller.sum("response_total", with(outbound, "classification", "failure"))).isEqualTo(1);
        assertThat(caller.sum("request_total", Map.of("tls", "false"))).isZero();

        StrictExposition callee = StrictExposition.parse(catalog.metrics.scrape());
        Map<String, String> inbound = Map.of("direction", "inbound", "tls", "true", "client_id", WEB);
        assertThat(callee.sum("request_total", inbound)).isEqualTo(2);
        assertThat(callee.sum("response_total", with(inbound, "status_code", "200"))).isEqualTo(1);
        assertThat(callee.sum("identity_cert_expiry_timestamp_seconds", Map.of("identity", CATALOG)))
                .isEqualTo(catalogId.notAfter().getEpochSecond());
        assertThat(callee.sum("identity_cert_expiration_timestamp_seconds", Map.of()))
                .as("the unlabelled series stays for existing readers").isEqualTo(catalogId.notAfter().getEpochSecond());
    }

    @Test
    void plaintextIsCountedAsSuch() throws Exception {
        // a caller without an identity reaches the PERMISSIVE destination in plaintext
        web.close();
        web = TlsSidecar.start("web", callerOf(catalog, UpstreamTls.of(CATALOG)), ProxyTls.none());
        assertThat(call("/echo")).isEqualTo(200);
        StrictExposition caller = StrictExposition.parse(web.metrics.scrape());
        assertThat(caller.sum("request_total", Map.of("direction", "outbound", "tls", "false", "server_id", ""))).isEqualTo(1);
        assertThat(caller.families()).doesNotContainKey("identity_cert_expiry_timestamp_seconds");
        StrictExposition callee = StrictExposition.parse(catalog.metrics.scrape());
        assertThat(callee.sum("request_total", Map.of("direction", "inbound", "tls", "false", "client_id", ""))).isEqualTo(1);
        assertThat(callee.sum("request_total", Map.of("tls", "true"))).isZero();
    }

    @Test
    void inboundTcpOverMutualTlsCarriesTheClient() throws Exception {
        try (TcpServers echo = TcpServers.echo()) {
            ProxyTls tls = ProxyTls.none();
            tls.update(pki.identity("spiffe://cluster.local/ns/default/sa/db"));
            ProxySnapshot snapshot = Snapshots.builder()
                    .listener(new ListenerConfig("inbound", ListenerConfig.Direction.INBOUND, 0, ListenerConfig.ListenerProtocol.TCP,
                            null, "inbound|" + echo.port(), false, ListenerConfig.DEFAULT_DETECT_TIMEOUT, TlsMode.STRICT))
                    .app(echo.port(), ClusterConfig.UpstreamProtocol.TCP)
                    .build();
            try (TlsSidecar db = TlsSidecar.start("db", snapshot, tls)) {
                try (SSLSocket s = (SSLSocket) TlsClients.context(pki.identity(WEB), List.of(pki.root())).getSocketFactory()
                        .createSocket("127.0.0.1", db.inbound())) {
                    s.setSoTimeout(5000);
                    OutputStream out = s.getOutputStream();
                    out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("ping\n");
                }
                StrictExposition e = StrictExposition.parse(db.metrics.scrape());
                assertThat(e.sum("tcp_open_total", Map.of("direction", "inbound", "tls", "true", "client_id", WEB))).isEqualTo(1);
                assertThat(e.sum("tcp_read_bytes_total", Map.of("direction", "inbound", "client_id", WEB))).isEqualTo(5);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> base, String k, String v) {
        Map<String, String> out = new HashMap<>(base);
        out.put(k, v);
        return out;
    }
}
