package dev.trellis.proxy.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proxy.config.AccessLogConfig;
import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ListenerTelemetry;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.io.IOException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access logs written by a real proxy, read back as JSON. */
class AccessLogTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    static ListenerConfig outbound(Path accessLog) {
        return new ListenerConfig("outbound", ListenerConfig.Direction.OUTBOUND, 0, ListenerConfig.ListenerProtocol.HTTP,
                "outbound", null, false, ListenerConfig.DEFAULT_DETECT_TIMEOUT, TlsMode.DISABLE, Authorization.NONE,
                new ListenerTelemetry(TracingConfig.DISABLED,
                        accessLog == null ? Optional.empty() : Optional.of(new AccessLogConfig(accessLog.toString()))));
    }

    private HttpResponse<String> send(ProxyUnderTest p, HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(ProxyUnderTest p, String host, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + path)).header("Host", host);
    }

    private List<JsonNode> lines(Path file, int expected) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= expected);
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                out.add(json.readTree(line));
            }
            assertThat(out).hasSize(expected);
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode byPath(List<JsonNode> lines, String path) {
        return lines.stream().filter(l -> l.get("path").asText().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + path + " in " + lines));
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void logsOneJsonLinePerRequestWithEnvoysResponseFlags() throws Exception {
        TestBackend backend = TestBackend.start("catalog");
        closeables.add(backend);
        int closed = closedPort();
        Path log = dir.resolve("logs/access.log");
        ProxyUnderTest p = ProxyUnderTest.start("web", Snapshots.builder()
                .service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()))
                .service("gone", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", closed))
                .listener(outbound(log)).build());
        closeables.add(p);
        long before = System.currentTimeMillis();

        HttpResponse<String> ok = send(p, request(p, "catalog", "/echo?x=1")
                .header("User-Agent", "tests/1.0").header("x-request-id", "req-1")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        HttpResponse<String> noRoute = send(p, request(p, "nowhere", "/missing"));
        HttpResponse<String> refused = send(p, request(p, "gone", "/refused"));

        assertThat(ok.statusCode()).isEqualTo(200);
        List<JsonNode> lines = lines(log, 3);

        JsonNode a = byPath(lines, "/echo?x=1");
        assertThat(Instant.parse(a.get("start_time").asText()).toEpochMilli()).isBetween(before - 1, System.currentTimeMillis());
        assertThat(a.get("start_time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(a.get("direction").asText()).isEqualTo("outbound");
        assertThat(a.get("method").asText()).isEqualTo("POST");
        assertThat(a.get("authority").asText()).isEqualTo("catalog");
        assertThat(a.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(a.get("status").asInt()).isEqualTo(200);
        assertThat(a.get("grpc_status").isNull()).isTrue();
        assertThat(a.get("response_flags").asText()).isEqualTo("-");
        assertThat(a.get("trellis_error").isNull()).isTrue();
        assertThat(a.get("duration_ms").asDouble()).isPositive();
        assertThat(a.get("upstream_service_time_ms").asDouble()).isPositive()
                .isLessThanOrEqualTo(a.get("duration_ms").asDouble());
        assertThat(a.get("bytes_received").asLong()).isEqualTo(5);
        assertThat(a.get("bytes_sent").asLong()).isEqualTo(ok.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(a.get("attempts").asInt()).isEqualTo(1);
        assertThat(a.get("upstream_host").asText()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(a.get("upstream_cluster").asText()).isEqualTo("catalog");
        assertThat(a.get("route").asText()).isEqualTo("default");
        assertThat(a.get("dst_service").asText()).isEqualTo("catalog");
        assertThat(a.get("downstream_remote_address").asText()).startsWith("127.0.0.1:");
        assertThat(a.get("peer_identity").isNull()).isTrue();
        assertThat(a.get("user_agent").asText()).isEqualTo("tests/1.0");
        assertThat(a.get("x_request_id").asText()).isEqualTo("req-1");
        assertThat(a.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        JsonNode nr = byPath(lines, "/missing");
        assertThat(noRoute.statusCode()).isEqualTo(503);
        assertThat(nr.get("status").asInt()).isEqualTo(503);
        assertThat(nr.get("response_flags").asText()).isEqualTo("NR");
        assertThat(nr.get("trellis_error").asText()).isEqualTo("no-route");
        assertThat(nr.get("attempts").asInt()).isZero();
        assertThat(nr.get("upstream_host").isNull()).isTrue();
        assertThat(nr.get("upstream_service_time_ms").isNull()).isTrue();
        assertThat(nr.get("route").isNull()).isTrue();
        assertThat(nr.get("bytes_sent").asLong()).isEqualTo(noRoute.body().length());
        assertThat(nr.get("trace_id").isNull()).isTrue();

        JsonNode uf = byPath(lines, "/refused");
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(uf.get("status").asInt()).isEqualTo(502);
        assertThat(uf.get("response_flags").asText()).isEqualTo("UF");
        assertThat(uf.get("trellis_error").asText()).isEqualTo("connect-refused");
        assertThat(uf.get("upstream_host").asText()).isEqualTo("127.0.0.1:" + closed);
        assertThat(uf.get("dst_service").asText()).isEqualTo("gone");
        assertThat(uf.get("attempts").asInt()).isEqualTo(3);

        assertThat(p.proxy().metrics()).contains("access_log_dropped_total{reason=\"queue_full\"} 0");
    }

    @Test
    void aRequestRefusedBeforeRoutingIsLoggedAsADownstreamProtocolError() throws Exception {
        Path log = dir.resolve("refused.log");
        ProxyUnderTest p = ProxyUnderTest.start("web", Snapshots.builder().listener(outbound(log)).build());
        closeables.add(p);
        String answer;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", p.outbound())) {
            // HTTP/1.1 without a Host header: 400 before any route is looked up
            socket.getOutputStream().write("GET /no-host HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
        assertThat(answer).startsWith("HTTP/1.1 400");

        JsonNode line = lines(log, 1).get(0);
        assertThat(line.get("path").asText()).isEqualTo("/no-host");
        assertThat(line.get("status").asInt()).isEqualTo(400);
        assertThat(line.get("response_flags").asText()).isEqualTo("DPE");
        assertThat(line.get("trellis_error").asText()).isEqualTo("bad-request");
        assertThat(line.get("bytes_sent").asLong()).isPositive();
    }

    @Test
    void theTraceIdIsTheOneTheTracerSentUpstream() throws Exception {
        BlockingQueue<String> traceparents = new LinkedBlockingQueue<>();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.createContext("/", ex -> {
            traceparents.add(String.valueOf(ex.getRequestHeaders().getFirst("traceparent")));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        upstream.start();
        closeables.add(() -> upstream.stop(0));
        Path log = dir.resolve("access.log");
        // spans go nowhere (a closed port): what matters is the context the tracer sends upstream
        TracingConfig tracing = new TracingConfig(100, TracingConfig.Exporter.ZIPKIN,
                "http://127.0.0.1:" + closedPort() + "/api/v2/spans");
        ListenerConfig traced = new ListenerConfig("outbound", ListenerConfig.Direction.OUTBOUND, 0,
                ListenerConfig.ListenerProtocol.HTTP, "outbound", null, false, ListenerConfig.DEFAULT_DETECT_TIMEOUT,
                TlsMode.DISABLE, Authorization.NONE,
                new ListenerTelemetry(tracing, Optional.of(new AccessLogConfig(log.toString()))));
        ProxyUnderTest p = ProxyUnderTest.start("web", Snapshots.builder()
                .service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", upstream.getAddress().getPort()))
                .listener(traced).build());
        closeables.add(p);

        assertThat(send(p, request(p, "catalog", "/untraced")).statusCode()).isEqualTo(204);

        String sent = traceparents.poll(10, TimeUnit.SECONDS);
        assertThat(sent).as("traceparent the upstream received").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(lines(log, 1).get(0).get("trace_id").asText()).isEqualTo(sent.substring(3, 35));
    }

    @Test
    void turnsOnMovesAndTurnsOffWithTheListenerConfig() throws Exception {
        TestBackend backend = TestBackend.start("catalog");
        closeables.add(backend);
        Snapshots base = Snapshots.builder().service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()));
        ProxyUnderTest p = ProxyUnderTest.start("web", base.listener(outbound(null)).build());
        closeables.add(p);
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");

        assertThat(send(p, request(p, "catalog", "/before")).statusCode()).isEqualTo(200);
        p.proxy().apply(base.listener(outbound(first)).build(), "test");
        assertThat(send(p, request(p, "catalog", "/on")).statusCode()).isEqualTo(200);
        assertThat(lines(first, 1).get(0).get("path").asText()).isEqualTo("/on");

        p.proxy().apply(base.listener(outbound(null)).build(), "test");
        assertThat(send(p, request(p, "catalog", "/off")).statusCode()).isEqualTo(200);
        p.proxy().apply(base.listener(outbound(second)).build(), "test");
        assertThat(send(p, request(p, "catalog", "/moved")).statusCode()).isEqualTo(200);

        // one writer thread writes in order: once /moved is in, /off would have been too
        assertThat(lines(second, 1).get(0).get("path").asText()).isEqualTo("/moved");
        assertThat(lines(first, 1).get(0).get("path").asText()).isEqualTo("/on");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(first, second);
        }
        // the file no listener names any more is closed
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !openFiles().contains(first.toRealPath()));
        assertThat(openFiles()).contains(second.toRealPath());
    }

    private static List<Path> openFiles() throws IOException {
        List<Path> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    open.add(Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return open;
    }
}
