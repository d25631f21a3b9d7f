package dev.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import dev.trellis.controlplane.telemetry.ScrapeOptions;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats, proxies and tap API over a real control plane and a real ADS stream, with an admin server
 * standing in for the proxy's (its metrics are set by the test, so every number is known; the
 * end-to-end numbers with real proxies are tested in trellis-cli).
 */
class TelemetryApiTest {
    static final String LABELS = "direction=\"inbound\",src_service=\"catalog\",dst_service=\"catalog\",route=\"inbound\"";

    @TempDir
    Path dir;
    ControlPlane cp;
    ManagedChannel channel;
    HttpServer admin;
    final AtomicReference<String> metrics = new AtomicReference<>("");
    final AtomicInteger scrapes = new AtomicInteger();
    final AtomicReference<String> tapQuery = new AtomicReference<>();
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws IOException {
        System.setProperty(ScrapeOptions.INTERVAL_PROPERTY, "100ms");
        Files.writeString(dir.resolve("mesh.yaml"), """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec:
                  port: 8080
                  selector: {app: catalog}
                """);
        cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).pollInterval(Duration.ofMillis(50)).build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
        admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        admin.createContext("/metrics", ex -> {
            scrapes.incrementAndGet();
            reply(ex, metrics.get());
        });
        admin.createContext("/config_dump", ex -> reply(ex, "{\"node\":{\"service\":\"catalog\"},\"listeners\":{\"inbound\":{}}}\n"));
        admin.createContext("/tap", ex -> {
            tapQuery.set(ex.getRequestURI().getRawQuery());
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    out.write(("{\"method\":\"GET\",\"path\":\"/items/" + i + "\",\"status\":200}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        });
        admin.start();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        System.clearProperty(ScrapeOptions.INTERVAL_PROPERTY);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cp.close();
        admin.stop(0);
    }

    /** A sidecar's ADS stream that ACKs every response. */
    ClientCallStreamObserver<DiscoveryRequest> connect() {
        NodeIdentity identity = new NodeIdentity(ProxyNode.of("catalog", 9001), "127.0.0.1", 4143, Map.of(),
                admin.getAddress().getPort());
        AtomicReference<ClientCallStreamObserver<DiscoveryRequest>> requests = new AtomicReference<>();
        AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new ClientResponseObserver<DiscoveryRequest, DiscoveryResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> r) {
                requests.set(r);
            }

            @Override
            public void onNext(DiscoveryResponse r) {
                requests.get().onNext(DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setVersionInfo(r.getVersionInfo())
                        .setResponseNonce(r.getNonce()).build());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.get().onNext(DiscoveryRequest.newBuilder().setNode(identity.toNode("dev")).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());
        return requests.get();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.apiPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    static String metrics(long ok, long failed, long fast) {
        return "# TYPE response_total counter\n"
                + "response_total{" + LABELS + ",tls=\"true\",client_id=\"spiffe://x/ns/default/sa/web\",status_code=\"200\",grpc_status=\"\",classification=\"success\"} " + ok + "\n"
                + "response_total{" + LABELS + ",tls=\"false\",client_id=\"\",status_code=\"503\",grpc_status=\"\",classification=\"failure\"} " + failed + "\n"
                + "response_latency_ms_bucket{" + LABELS + ",status_code=\"200\",le=\"10\"} " + fast + "\n"
                + "response_latency_ms_bucket{" + LABELS + ",status_code=\"200\",le=\"20\"} " + (ok + failed) + "\n"
                + "response_latency_ms_bucket{" + LABELS + ",status_code=\"200\",le=\"+Inf\"} " + (ok + failed) + "\n"
                + "identity_cert_expiration_timestamp_seconds 1800000000\n";
    }

    @Test
    void statsCountWhatProxiesAnsweredSinceTheFirstScrape() throws Exception {
        metrics.set(metrics(50, 5, 20));
        connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> !getJson("/api/v1/proxies").path(0).path("lastScrape").isNull());
        JsonNode idle = getJson("/api/v1/stats");
        assertThat(idle.path("window").asText()).isEqualTo("30s");
        assertThat(idle.path("services")).singleElement().satisfies(s -> {
            assertThat(s.path("name").asText()).isEqualTo("catalog");
            assertThat(s.path("meshed").asBoolean()).isTrue();
            assertThat(s.path("proxies").asInt()).isEqualTo(1);
            assertThat(s.path("rps").asDouble()).isZero();
            assertThat(s.path("requests").asLong()).isZero();
            assertThat(s.path("successRate").isNull()).isTrue();
            assertThat(s.path("latencyMs").path("p50").isNull()).isTrue();
        });

        metrics.set(metrics(50 + 36, 5 + 4, 20 + 20)); // 40 more: 36 ok, 4 failed; 20 ≤ 10ms, 20 in (10, 20]
        await().atMost(Duration.ofSeconds(10)).until(() -> getJson("/api/v1/stats?window=1m&service=catalog")
                .path("services").path(0).path("requests").asLong() == 40);
        JsonNode s = getJson("/api/v1/stats?window=1m&service=catalog").path("services").path(0);
        assertThat(s.path("successRate").asDouble()).isEqualTo(0.9);
        assertThat(s.path("latencyMs").path("p50").asDouble()).isEqualTo(10.0);
        assertThat(s.path("latencyMs").path("p95").asDouble()).isEqualTo(19.0);
        assertThat(s.path("rps").asDouble()).isPositive();

        JsonNode p = getJson("/api/v1/proxies").path(0);
        assertThat(p.path("node").asText()).isEqualTo("catalog.default~127.0.0.1:4143");
        assertThat(p.path("service").asText()).isEqualTo("catalog");
        assertThat(p.path("adminAddress").asText()).isEqualTo("127.0.0.1:" + admin.getAddress().getPort());
        assertThat(p.path("scrapeError").isNull()).isTrue();
        assertThat(p.path("certificate").path("notAfter").asText()).isEqualTo("2027-01-15T08:00:00Z");
        assertThat(p.path("certificate").path("identity").asText()).endsWith("/ns/default/sa/catalog");
        await().atMost(Duration.ofSeconds(10)).until(() -> getJson("/api/v1/proxies").path(0).path("inSync").asBoolean());
        assertThat(getJson("/api/v1/proxies").path(0).path("versions").path("clusters").path("nacked").isNull()).isTrue();

        metrics.set("response_total{oops 1\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(getJson("/api/v1/proxies").path(0).path("scrapeError").asText())
                .startsWith("GET /metrics: line 1, column"));
        assertThat(get("/api/v1/stats?window=10m").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/stats?window=soon").body()).contains("window: soon (expected: a duration");
    }

    @Test
    void scrapingStopsWhenTheStreamCloses() throws Exception {
        metrics.set(metrics(1, 0, 1));
        ClientCallStreamObserver<DiscoveryRequest> stream = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> scrapes.get() >= 2);
        stream.onCompleted();
        await().atMost(Duration.ofSeconds(10)).until(() -> getJson("/api/v1/proxies").isEmpty());
        int after = scrapes.get();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> scrapes.get() <= after + 1);
    }

    @Test
    void configDumpIsRelayed() throws Exception {
        connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> getJson("/api/v1/proxies").size() == 1);
        JsonNode dump = getJson("/api/v1/proxies/" + "catalog.default~127.0.0.1:4143" + "/config_dump");
        assertThat(dump.path("listeners").has("inbound")).isTrue();
        assertThat(get("/api/v1/proxies/nobody/config_dump").statusCode()).isEqualTo(404);
    }

    @Test
    void tapRelaysEachProxysEventsWithItsNodeAndPassesFiltersOn() throws Exception {
        connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> getJson("/api/v1/proxies").size() == 1);
        HttpResponse<String> r = get("/api/v1/tap?service=catalog&seconds=5&method=GET&path_prefix=/items");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        List<String> lines = r.body().lines().toList();
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            assertThat(json.readTree(line).path("proxy").asText()).isEqualTo("catalog.default~127.0.0.1:4143");
        }
        assertThat(tapQuery.get()).isEqualTo("seconds=5&method=GET&path_prefix=%2Fitems");

        assertThat(get("/api/v1/tap?service=catalog&max=2").body().lines()).hasSize(2);
        assertThat(get("/api/v1/tap?service=nobody").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/tap?service=catalog&seconds=601").body()).contains("seconds: 601 (expected: 1..600)");
        assertThat(get("/api/v1/tap").statusCode()).isEqualTo(400);
    }
}
