package dev.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Http1ProxyTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestBackend backend;
    private ProxyUnderTest server;
    private ProxyUnderTest caller;

    @BeforeEach
    void setUp() throws Exception {
        backend = TestBackend.start("catalog");
        // the destination's sidecar forwards inbound traffic to its app
        server = ProxyUnderTest.start("catalog", Snapshots.builder().app(backend.port(), UpstreamProtocol.HTTP1).build());
        // the caller's sidecar knows catalog at the destination sidecar's inbound port (meshed: HTTP/2 between them)
        caller = ProxyUnderTest.start("web", Snapshots.builder()
                .service("catalog", UpstreamProtocol.HTTP1, new Endpoint("127.0.0.1", server.inbound(), 1, Map.of(), true))
                .service("direct", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()))
                .service("empty", UpstreamProtocol.HTTP1)
                .service("refused", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", closedPort()))
                .build());
    }

    @AfterEach
    void tearDown() {
        caller.close();
        server.close();
        backend.close();
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caller.outbound() + path))
                .header("Host", host).header("x-test", "yes").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwardsThroughOneSidecarToAPlainEndpoint() throws Exception {
        HttpResponse<String> r = get("direct", "/echo?a=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("backend=catalog", "uri=/echo?a=1", "x-test=yes", "host=direct");
    }

    @Test
    void crossesTwoSidecarsOverHttp2AndRestoresHttp1() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("catalog", "/echo");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("backend=catalog", "host=catalog", "x-test=yes", "orig-proto=null");
        }
        assertThat(backend.requests()).isEqualTo(20);
    }

    @Test
    void streamsRequestBodiesBothWays() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        long checksum = 0;
        for (byte b : body) {
            checksum = checksum * 31 + b;
        }
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caller.outbound() + "/echo"))
                .header("Host", "catalog").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("body-bytes=" + body.length, "checksum=" + checksum);
        HttpResponse<byte[]> big = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caller.outbound()
                + "/bytes?n=5000000")).header("Host", "catalog").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(big.body()).hasSize(5_000_000);
    }

    @Test
    void namesTheCauseOfProxyErrors() throws Exception {
        HttpResponse<String> noRoute = get("nowhere", "/");
        assertThat(noRoute.statusCode()).isEqualTo(503);
        assertThat(noRoute.headers().firstValue("trellis-error")).hasValue("no-route");

        HttpResponse<String> noEndpoints = get("empty", "/");
        assertThat(noEndpoints.statusCode()).isEqualTo(503);
        assertThat(noEndpoints.headers().firstValue("trellis-error")).hasValue("no-endpoints");

        HttpResponse<String> refused = get("refused", "/");
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.headers().firstValue("trellis-error")).hasValue("connect-refused");
    }

    @Test
    void countsRequestsInMetrics() throws Exception {
        get("catalog", "/echo");
        get("catalog", "/status/500");
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + caller.admin() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("request_total{direction=\"outbound\",src_service=\"web\",dst_service=\"catalog\",route=\"default\",tls=\"false\",server_id=\"\"} 2")
                .contains("status_code=\"500\",grpc_status=\"\",classification=\"failure\"} 1")
                .contains("response_latency_ms_bucket{");
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
