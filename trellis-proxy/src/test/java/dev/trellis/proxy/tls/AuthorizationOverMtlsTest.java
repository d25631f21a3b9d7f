package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.AuthorizationPolicy;
import dev.trellis.proxy.config.AuthorizationPolicy.Action;
import dev.trellis.proxy.config.AuthorizationPolicy.Condition;
import dev.trellis.proxy.config.AuthorizationPolicy.Operation;
import dev.trellis.proxy.config.AuthorizationPolicy.Rule;
import dev.trellis.proxy.config.AuthorizationPolicy.Source;
import dev.trellis.proxy.config.AuthorizationPolicy.StringMatch;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authorization policies on the inbound listener, deciding by the identity the caller proved in mutual TLS. */
class AuthorizationOverMtlsTest {
    static final String CATALOG = InboundMtlsTest.CATALOG;
    static final String WEB = InboundMtlsTest.WEB;
    static final Authorization POLICIES = new Authorization(List.of(
            new AuthorizationPolicy("readers", Action.ALLOW, List.of(new Rule(
                    List.of(new Source(List.of(StringMatch.of("cluster.local/ns/default/sa/web")), List.of(), List.of(), List.of())),
                    List.of(new Operation(List.of("GET", "POST"), List.of(), List.of(StringMatch.of("/echo*"), StringMatch.of("/slow")),
                            List.of(), List.of(), List.of())),
                    List.of()))),
            new AuthorizationPolicy("block-flagged", Action.DENY, List.of(new Rule(List.of(), List.of(),
                    List.of(new Condition("x-flagged", List.of(StringMatch.of("yes")), List.of())))))));

    final TestPki pki = new TestPki("mesh root");
    TestBackend app;
    TlsSidecar catalog;
    TlsSidecar web;

    @BeforeEach
    void start() throws Exception {
        app = TestBackend.start("catalog");
        ProxySnapshot base = InboundMtlsTest.inbound(app.port(), TlsMode.STRICT);
        Map<String, ListenerConfig> listeners = new HashMap<>(base.listeners());
        ListenerConfig in = listeners.get("inbound");
        listeners.put("inbound", new ListenerConfig(in.name(), in.direction(), in.port(), in.protocol(), in.routeTable(),
                in.tcpCluster(), in.detectProtocol(), in.detectTimeout(), in.tlsMode(), POLICIES));
        ProxyTls catalogTls = ProxyTls.none();
        catalogTls.update(pki.identity(CATALOG));
        catalog = TlsSidecar.start("catalog", new ProxySnapshot(base.versions(), listeners, base.routeTables(), base.clusters(),
                base.endpoints()), catalogTls);
        ProxyTls webTls = ProxyTls.none();
        webTls.update(pki.identity(WEB));
        ProxySnapshot caller = Snapshots.builder().service("catalog", ClusterConfig.UpstreamProtocol.HTTP1).build();
        // one event loop, so one pool. Now and then the gRPC denial answers before the client's 5-byte body reached this
        // sidecar, which then closes the client's connection (the rest of an HTTP/1.1 request cannot be skipped safely);
        // the client's next connection, on a second loop, would get a pool and an upstream connection of its own (about
        // 1 run in 80), and the handshake count below would take that for a connection the denials broke
        web = TlsSidecar.start("web", new ProxySnapshot(caller.versions(), caller.listeners(), caller.routeTables(),
                Map.of("catalog", caller.clusters().get("catalog").withTls(UpstreamTls.of(CATALOG))),
                Map.of("catalog", new EndpointSet("catalog", List.of(new Endpoint("127.0.0.1", catalog.inbound(), 1, Map.of(), true))))),
                webTls, 1);
    }

    @AfterEach
    void stop() {
        web.close();
        catalog.close();
        app.close();
    }

    String direct(WorkloadIdentity client, String rawRequests) throws Exception {
        SSLContext ctx = TlsClients.context(client, List.of(pki.root()));
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", catalog.inbound())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(rawRequests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            s.getInputStream().transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String get(String path, String... extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: catalog\r\n" + String.join("", extra) + "\r\n";
    }

    @Test
    void allowsTheIdentityThePolicyNamesAndDeniesOthersWithAReason() throws Exception {
        assertThat(direct(pki.identity(WEB), get("/echo", "Connection: close\r\n"))).startsWith("HTTP/1.1 200");
        String other = direct(pki.identity("spiffe://cluster.local/ns/default/sa/payments"), get("/echo"));
        assertThat(other).startsWith("HTTP/1.1 403").contains("trellis-authz-reason: denied: no ALLOW policy matches",
                "trellis-error: forbidden", "connection: close");
        assertThat(direct(pki.identity(WEB), get("/admin"))).startsWith("HTTP/1.1 403");
        assertThat(direct(pki.identity(WEB), get("/echo", "x-flagged: yes\r\n")))
                .startsWith("HTTP/1.1 403").contains("trellis-authz-reason: denied by DENY policy block-flagged");
        assertThat(app.requests()).isEqualTo(1);
        assertThat(catalog.metrics.scrape()).contains("authz_decision_total{policy=\"readers\",decision=\"allow\"} 1",
                "authz_decision_total{policy=\"\",decision=\"deny\"} 2",
                "authz_decision_total{policy=\"block-flagged\",decision=\"deny\"} 1");
    }

    @Test
    void aDenialAfterPipelinedRequestsWaitsForTheirResponses() throws Exception {
        String responses = direct(pki.identity(WEB), get("/slow?ms=300") + get("/admin") + get("/echo"));
        assertThat(responses.indexOf("HTTP/1.1 200")).isZero();
        assertThat(responses.indexOf("HTTP/1.1 403")).isPositive();
        assertThat(responses.split("HTTP/1.1 ", -1)).as("the request after the denied one is dropped").hasSize(3);
        assertThat(app.requests()).isEqualTo(1);
    }

    @Test
    void throughTwoSidecarsHttp2StreamsAreDeniedOneByOne() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + web.outbound());
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(base.resolve("/echo")).header("Host", "catalog").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(base.resolve("/admin")).header("Host", "catalog").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("trellis-authz-reason")).hasValue("denied: no ALLOW policy matches");
        HttpResponse<String> grpc = http.send(HttpRequest.newBuilder(base.resolve("/catalog.Catalog/Delete")).header("Host", "catalog")
                .header("content-type", "application/grpc").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(grpc.statusCode()).isEqualTo(200);
        assertThat(grpc.headers().firstValue("grpc-status")).hasValue("7");
        // the pooled HTTP/2 connection between the sidecars survived the denials
        assertThat(http.send(HttpRequest.newBuilder(base.resolve("/echo")).header("Host", "catalog").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(web.tls.stats().outboundHandshakes()).isEqualTo(1);
        assertThat(app.requests()).isEqualTo(2);
    }

    @Test
    void aPolicyChangeAppliesToTheNextRequestOnAnOpenConnection() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + web.outbound() + "/admin");
        assertThat(http.send(HttpRequest.newBuilder(uri).header("Host", "catalog").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(403);
        ProxySnapshot open = InboundMtlsTest.inbound(app.port(), TlsMode.STRICT);
        catalog.config.update(open);
        assertThat(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Host", "catalog").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
