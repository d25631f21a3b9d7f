package dev.trellis.proxy.telemetry.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /tap on a real proxy's admin port while requests go through it. */
class TapStreamTest {
    private static final List<String> FIELDS = List.of("ts", "direction", "method", "authority", "path", "status", "grpcStatus",
            "latencyMs", "bytesIn", "bytesOut", "source", "sourceService", "destination", "route", "endpoint", "error",
            "responseFlags", "traceId");
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestBackend backend;
    private ProxyUnderTest proxy;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.start("catalog");
        proxy = ProxyUnderTest.start("web", Snapshots.builder()
                .service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()))
                .app(backend.port(), UpstreamProtocol.HTTP1)
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        proxy.close();
        backend.close();
    }

    private TapClient tap(String query) throws Exception {
        TapClient t = TapClient.open(client, proxy.admin(), query);
        closeables.add(t);
        return t;
    }

    private HttpResponse<String> send(int port, String method, String host, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Host", host)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> outbound(String method, String host, String path) throws Exception {
        return send(proxy.outbound(), method, host, path, null);
    }

    private Tap theTap() {
        return proxy.proxy().tap();
    }

    @Test
    void eachFinishedRequestIsOneEventWithTheContractsFields() throws Exception {
        TapClient tap = tap("");
        assertThat(tap.response().headers().firstValue("content-type")).hasValue("application/x-ndjson");

        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound() + "/echo?a=1"))
                .header("Host", "catalog").header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode e = tap.next();

        List<String> names = new ArrayList<>();
        e.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(FIELDS);
        assertThat(e.get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(e.get("direction").asText()).isEqualTo("outbound");
        assertThat(e.get("method").asText()).isEqualTo("POST");
        assertThat(e.get("authority").asText()).isEqualTo("catalog");
        assertThat(e.get("path").asText()).isEqualTo("/echo?a=1");
        assertThat(e.get("status").asInt()).isEqualTo(200);
        assertThat(e.get("grpcStatus").isNull()).isTrue();
        assertThat(e.get("latencyMs").isNumber()).isTrue();
        assertThat(e.get("latencyMs").asDouble()).isPositive();
        assertThat(e.get("bytesIn").asLong()).isEqualTo(5);
        assertThat(e.get("bytesOut").asLong()).isEqualTo(ok.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(e.get("source").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(e.get("sourceService").asText()).isEqualTo("web");
        assertThat(e.get("destination").asText()).isEqualTo("catalog");
        assertThat(e.get("route").asText()).isEqualTo("default");
        assertThat(e.get("endpoint").asText()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(e.get("error").isNull()).isTrue();
        assertThat(e.get("responseFlags").asText()).isEqualTo("-");
        assertThat(e.get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        assertThat(outbound("GET", "nowhere", "/x").statusCode()).isEqualTo(503);
        JsonNode nr = tap.next();
        assertThat(nr.get("status").asInt()).isEqualTo(503);
        assertThat(nr.get("error").asText()).isEqualTo("no-route");
        assertThat(nr.get("responseFlags").asText()).isEqualTo("NR");
        assertThat(nr.get("destination").isNull()).isTrue();
        assertThat(nr.get("route").isNull()).isTrue();
        assertThat(nr.get("endpoint").isNull()).isTrue();
        assertThat(nr.get("traceId").isNull()).isTrue();

        assertThat(send(proxy.inbound(), "GET", "anything", "/echo", null).statusCode()).isEqualTo(200);
        JsonNode in = tap.next();
        assertThat(in.get("direction").asText()).isEqualTo("inbound");
        assertThat(in.get("source").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(in.get("sourceService").isNull()).isTrue(); // a plaintext caller has no identity
        assertThat(in.get("endpoint").asText()).isEqualTo("127.0.0.1:" + backend.port());
    }

    @Test
    void stopsAfterMaxEventsAndEndsTheResponse() throws Exception {
        TapClient tap = tap("?max=2");
        for (int i = 0; i < 3; i++) {
            assertThat(outbound("GET", "catalog", "/echo?n=" + i).statusCode()).isEqualTo(200);
        }

        tap.ended.get(10, TimeUnit.SECONDS);
        assertThat(tap.events).extracting(e -> e.get("path").asText()).containsExactly("/echo?n=0", "/echo?n=1");
        assertThat(theTap().subscribers()).isZero();
    }

    @Test
    void filtersPickTheRequestsToShow() throws Exception {
        TapClient tap = tap("?max=1&direction=outbound&method=POST&path_prefix=/echo&authority=catalog");
        TapClient inboundOnly = tap("?max=1&direction=inbound");

        assertThat(outbound("GET", "catalog", "/echo").statusCode()).isEqualTo(200);
        assertThat(outbound("POST", "catalog", "/status/201").statusCode()).isEqualTo(201);
        assertThat(outbound("POST", "nowhere", "/echo").statusCode()).isEqualTo(503);
        assertThat(send(proxy.inbound(), "POST", "catalog", "/echo/in", "x").statusCode()).isEqualTo(200);
        assertThat(send(proxy.outbound(), "POST", "catalog", "/echo/wanted", "x").statusCode()).isEqualTo(200);

        tap.ended.get(10, TimeUnit.SECONDS);
        assertThat(tap.events).extracting(e -> e.get("path").asText()).containsExactly("/echo/wanted");
        inboundOnly.ended.get(10, TimeUnit.SECONDS);
        assertThat(inboundOnly.events).extracting(e -> e.get("path").asText()).containsExactly("/echo/in");
    }

    @Test
    void theSecondsLimitEndsTheStream() throws Exception {
        TapClient tap = tap("?seconds=1");
        tap.ended.get(10, TimeUnit.SECONDS);
        assertThat(theTap().subscribers()).isZero();
    }

    @Test
    void refusesQueriesItCannotHonour() throws Exception {
        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.admin()
                + "/tap?seconds=9999")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("seconds: 9999 (expected: 1 to 600)\n");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.admin() + "/tap"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(theTap().subscribers()).isZero();
    }

    @Test
    void aTapClientThatDoesNotReadCostsRequestsNothing() throws Exception {
        Socket stalled = new Socket();
        closeables.add(stalled);
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new InetSocketAddress("127.0.0.1", proxy.admin()));
        stalled.getOutputStream().write("GET /tap?seconds=600 HTTP/1.1\r\nHost: admin\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        await().atMost(10, TimeUnit.SECONDS).until(() -> theTap().subscribers() == 1);

        // requests the proxy answers itself, with long targets (big events): the tap connection's buffers fill fast
        String padded = "/x?pad=" + "p".repeat(6000);
        for (int sent = 0; dropped() == 0; sent += 10) {
            assertThat(sent).as("requests before the tap dropped an event").isLessThan(20_000);
            for (int i = 0; i < 10; i++) {
                assertThat(outbound("GET", "nowhere", padded).statusCode()).isEqualTo(503);
            }
        }
        assertThat(outbound("GET", "catalog", "/echo").statusCode()).isEqualTo(200);

        stalled.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> theTap().subscribers() == 0);
        assertThat(outbound("GET", "catalog", "/echo").statusCode()).isEqualTo(200);
    }

    private long dropped() {
        Matcher m = Pattern.compile("tap_dropped_total\\{[^}]*} (\\d+)").matcher(proxy.proxy().metrics());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void aTapClientThatLeavesIsForgotten() throws Exception {
        TapClient tap = tap("");
        assertThat(theTap().subscribers()).isEqualTo(1);
        tap.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> theTap().subscribers() == 0);
        assertThat(outbound("GET", "catalog", "/echo").statusCode()).isEqualTo(200);
        assertThat(theTap().observe("outbound", new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"),
                new EmbeddedChannel())).isNull();
    }
}
