package dev.trellis.proxy.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.xds.XdsDecoder;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real proxy configured by a Telemetry resource (YAML through the translator, as in standalone mode), a real
 * application behind it and in-process collectors: the spans that arrive and the headers that go upstream.
 */
class TracingProxyTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    /** Services catalog (implicit route) and flaky (retried once on 503), both the backend; web's app is the backend too. */
    static ProxySnapshot snapshot(int backend, String tracing) {
        String yaml = """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%1$d"}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: flaky}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%1$d"}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: web}
                spec: {port: 8080}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: flaky-routes}
                spec:
                  parentRefs: [{kind: Service, name: flaky}]
                  rules:
                    - backendRefs: [{name: flaky}]
                      retry: {attempts: 2, codes: [503], backoff: 10ms}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: PeerAuthentication
                metadata: {name: mesh, namespace: trellis-system}
                spec: {mtls: {mode: DISABLE}}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Telemetry
                metadata: {name: mesh-default}
                spec:
                  tracing: %2$s
                """.formatted(backend, tracing);
        return XdsDecoder.decode(XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", yaml), ProxyNode.of("web", backend)),
                Map.of());
    }

    private ProxyUnderTest proxy(ProxySnapshot snapshot) throws Exception {
        return closing(ProxyUnderTest.start("web", snapshot));
    }

    private HttpResponse<String> send(int port, String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Host", host)
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode onlySpan(Collectors.Zipkin zipkin, String traceId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !zipkin.trace(traceId).isEmpty());
        List<JsonNode> spans = zipkin.trace(traceId);
        assertThat(spans).hasSize(1);
        return spans.get(0);
    }

    @Test
    void aSampledCallerGetsAClientSpanAndItsChildGoesUpstream() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 0, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));

        HttpResponse<String> r = send(p.outbound(), "catalog:8080", "/items?page=2", "traceparent", "00-" + TRACE + "-" + PARENT + "-01",
                "tracestate", "congo=t61rcWkgMzE");
        assertThat(r.statusCode()).isEqualTo(200);
        Headers up = backend.last();
        String traceparent = up.getFirst("traceparent");
        assertThat(traceparent).startsWith("00-" + TRACE + "-").endsWith("-01").doesNotContain(PARENT);
        assertThat(up.getFirst("tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(up.getFirst("x-request-id")).as("generated, as Envoy does").matches("[0-9a-f-]{36}");
        assertThat(up.containsKey("x-b3-traceid")).as("B3 only when the request came with it").isFalse();

        JsonNode span = onlySpan(zipkin, TRACE);
        assertThat(span.path("id").asText()).isEqualTo(traceparent.substring(36, 52));
        assertThat(span.path("parentId").asText()).isEqualTo(PARENT);
        assertThat(span.path("kind").asText()).isEqualTo("CLIENT");
        assertThat(span.path("name").asText()).isEqualTo("GET /items");
        assertThat(span.path("localEndpoint").path("serviceName").asText()).isEqualTo("web");
        assertThat(span.path("remoteEndpoint").path("serviceName").asText()).isEqualTo("catalog");
        assertThat(span.path("remoteEndpoint").path("ipv4").asText()).isEqualTo("127.0.0.1");
        assertThat(span.path("remoteEndpoint").path("port").asInt()).isEqualTo(backend.port());
        JsonNode tags = span.path("tags");
        assertThat(tags.path("http.request.method").asText()).isEqualTo("GET");
        assertThat(tags.path("url.path").asText()).isEqualTo("/items");
        assertThat(tags.path("server.address").asText()).isEqualTo("catalog");
        assertThat(tags.path("server.port").asText()).isEqualTo("8080");
        assertThat(tags.path("http.response.status_code").asText()).isEqualTo("200");
        assertThat(tags.path("peer.service").asText()).isEqualTo("catalog");
        assertThat(tags.path("trellis.route").asText()).isEqualTo("default");
        assertThat(tags.path("trellis.direction").asText()).isEqualTo("outbound");
        assertThat(tags.path("network.peer.address").asText()).isEqualTo("127.0.0.1");
        assertThat(tags.has("error")).isFalse();
    }

    @Test
    void theConfigDumpShowsEachListenersTelemetry() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 25, exporter: zipkin, endpoint: 'http://127.0.0.1:9411'}"));
        HttpResponse<String> dump = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin() + "/config_dump")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dump.statusCode()).isEqualTo(200);
        JsonNode telemetry = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dump.body())
                .path("listeners").path("outbound").path("telemetry");
        assertThat(telemetry.path("tracing").path("samplingPercent").asDouble()).isEqualTo(25);
        assertThat(telemetry.path("tracing").path("exporter").asText()).isEqualTo("ZIPKIN");
        assertThat(telemetry.path("tracing").path("endpoint").asText()).isEqualTo("http://127.0.0.1:9411/api/v2/spans");
        assertThat(telemetry.path("accessLog").isNull()).isTrue();
    }

    @Test
    void anUnsampledCallerIsPassedOnUnsampledAndNothingIsRecorded() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));

        send(p.outbound(), "catalog", "/a", "traceparent", "00-" + TRACE + "-" + PARENT + "-00", "x-b3-sampled", "0");
        Headers up = backend.last();
        assertThat(up.getFirst("traceparent")).startsWith("00-" + TRACE + "-").endsWith("-00");
        assertThat(up.getFirst("x-b3-sampled")).isEqualTo("0");
        assertThat(up.getFirst("x-b3-traceid")).isEqualTo(TRACE);

        // a sampled request after it: once its span is in, the unsampled one would have been too
        String other = "0af7651916cd43dd8448eb211c80319c";
        send(p.outbound(), "catalog", "/b", "traceparent", "00-" + other + "-" + PARENT + "-01");
        onlySpan(zipkin, other);
        assertThat(zipkin.trace(TRACE)).isEmpty();
    }

    @Test
    void withoutContextANewTraceIsSampledByPercentAndTheInboundSpanIsTheServers() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));

        assertThat(send(p.inbound(), "web", "/hello").statusCode()).isEqualTo(200);
        String traceparent = backend.last().getFirst("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        JsonNode span = onlySpan(zipkin, traceparent.substring(3, 35));
        assertThat(span.path("kind").asText()).isEqualTo("SERVER");
        assertThat(span.has("parentId")).as("a root span").isFalse();
        assertThat(span.path("id").asText()).isEqualTo(traceparent.substring(36, 52));
        assertThat(span.path("tags").path("trellis.direction").asText()).isEqualTo("inbound");
        assertThat(span.path("name").asText()).isEqualTo("GET /hello");

        ProxyUnderTest never = proxy(snapshot(backend.port(), "{samplingPercent: 0, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));
        send(never.outbound(), "catalog", "/c");
        assertThat(backend.last().getFirst("traceparent")).as("0 %: a new trace, unsampled, still passed on").endsWith("-00");
    }

    @Test
    void b3CallersAreAnsweredInB3Too() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 0, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));

        send(p.outbound(), "catalog", "/m", "x-b3-traceid", TRACE, "x-b3-spanid", PARENT, "x-b3-sampled", "1");
        Headers multi = backend.last();
        JsonNode span = onlySpan(zipkin, TRACE);
        assertThat(span.path("parentId").asText()).isEqualTo(PARENT);
        assertThat(multi.getFirst("x-b3-traceid")).isEqualTo(TRACE);
        assertThat(multi.getFirst("x-b3-spanid")).isEqualTo(span.path("id").asText());
        assertThat(multi.getFirst("x-b3-parentspanid")).isEqualTo(PARENT);
        assertThat(multi.getFirst("x-b3-sampled")).isEqualTo("1");
        assertThat(multi.getFirst("traceparent")).isEqualTo("00-" + TRACE + "-" + span.path("id").asText() + "-01");

        String single = "0af7651916cd43dd8448eb211c80319c";
        send(p.outbound(), "catalog", "/s", "b3", single + "-" + PARENT + "-1");
        JsonNode singleSpan = onlySpan(zipkin, single);
        assertThat(backend.last().getFirst("b3")).isEqualTo(single + "-" + singleSpan.path("id").asText() + "-1-" + PARENT);
    }

    @Test
    void retriesAreEventsOfOneSpanAndErrorsAreMarked() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));

        assertThat(send(p.outbound(), "flaky", "/flaky", "traceparent", "00-" + TRACE + "-" + PARENT + "-01").statusCode()).isEqualTo(200);
        assertThat(backend.received).hasSize(2);
        assertThat(backend.received.get(0).getFirst("traceparent")).as("every attempt is a child of the one span")
                .isEqualTo(backend.received.get(1).getFirst("traceparent"));
        assertThat(backend.received.get(0).getFirst("x-request-id")).isEqualTo(backend.received.get(1).getFirst("x-request-id"));
        JsonNode span = onlySpan(zipkin, TRACE);
        assertThat(span.path("name").asText()).isEqualTo("GET flaky-routes/0");
        assertThat(span.path("annotations").get(0).path("value").asText()).isEqualTo("retry attempt=1 reason=status_503");
        assertThat(span.path("tags").path("trellis.attempts").asText()).isEqualTo("2");

        String failed = "0af7651916cd43dd8448eb211c80319c";
        send(p.outbound(), "catalog", "/status/500", "traceparent", "00-" + failed + "-" + PARENT + "-01");
        JsonNode error = onlySpan(zipkin, failed);
        assertThat(error.path("tags").path("http.response.status_code").asText()).isEqualTo("500");
        assertThat(error.path("tags").path("error").asText()).isEqualTo("HTTP 500");

        String noRoute = "11111111111111111111111111111111";
        assertThat(send(p.outbound(), "nowhere", "/", "traceparent", "00-" + noRoute + "-" + PARENT + "-01").statusCode()).isEqualTo(503);
        JsonNode proxyError = onlySpan(zipkin, noRoute);
        assertThat(proxyError.path("tags").path("trellis.error").asText()).isEqualTo("no-route");
        assertThat(proxyError.path("tags").path("error").asText()).isEqualTo("no-route");
    }

    @Test
    void aCallerThatGoesAwayStillEndsItsSpan() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", p.outbound())) {
            s.getOutputStream().write(("GET /slow HTTP/1.1\r\nHost: catalog\r\ntraceparent: 00-" + TRACE + "-" + PARENT
                    + "-01\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> !backend.received.isEmpty());
        } // closed before the answer
        JsonNode span = onlySpan(zipkin, TRACE);
        assertThat(span.path("tags").path("error").asText()).isEqualTo("aborted before a response");
        assertThat(span.path("tags").has("http.response.status_code")).isFalse();
    }

    @Test
    void otlpOverHttpAndOverGrpc() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.OtlpHttp http = closing(new Collectors.OtlpHttp());
        Collectors.OtlpGrpc grpc = closing(new Collectors.OtlpGrpc());
        for (Collectors.Otlp collector : List.of(http, grpc)) {
            String endpoint = collector == http ? http.endpoint() : grpc.endpoint();
            ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 100, exporter: otlp, endpoint: '" + endpoint + "'}"));
            send(p.outbound(), "catalog", "/otlp", "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
            await().atMost(Duration.ofSeconds(10)).until(() -> !collector.spans().isEmpty());
            Span span = collector.spans().get(0);
            assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).as(endpoint).isEqualTo(TRACE);
            assertThat(HexFormat.of().formatHex(span.getParentSpanId().toByteArray())).isEqualTo(PARENT);
            assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(collector.received.get(0).getResource().getAttributesList())
                    .anySatisfy(a -> {
                        assertThat(a.getKey()).isEqualTo("service.name");
                        assertThat(a.getValue().getStringValue()).isEqualTo("web");
                    });
        }
    }

    @Test
    void aNewCollectorTakesOverWhenTheConfigurationChanges() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin first = closing(new Collectors.Zipkin());
        Collectors.Zipkin second = closing(new Collectors.Zipkin());
        ProxyUnderTest p = proxy(snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + first.endpoint() + "'}"));
        send(p.outbound(), "catalog", "/1", "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
        onlySpan(first, TRACE);

        p.proxy().apply(snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + second.endpoint() + "'}"));
        String next = "0af7651916cd43dd8448eb211c80319c";
        send(p.outbound(), "catalog", "/2", "traceparent", "00-" + next + "-" + PARENT + "-01");
        onlySpan(second, next);
        assertThat(first.trace(next)).isEmpty();
    }

    @Test
    void spansPendingAtShutdownAreExported() throws Exception {
        HeaderBackend backend = closing(new HeaderBackend());
        Collectors.Zipkin zipkin = closing(new Collectors.Zipkin());
        ProxyUnderTest p = ProxyUnderTest.start("web",
                snapshot(backend.port(), "{samplingPercent: 100, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));
        send(p.outbound(), "catalog", "/last", "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
        p.close(); // well within the batch delay: only the flush on close can have sent it
        assertThat(zipkin.trace(TRACE)).hasSize(1);
    }
}
