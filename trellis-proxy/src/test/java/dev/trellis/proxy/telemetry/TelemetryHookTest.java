package dev.trellis.proxy.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.RateLimit;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import dev.trellis.proxy.telemetry.RecordingTelemetry.Recorded;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request telemetry hook, seen by a recording observer on a real proxy. */
class TelemetryHookTest {
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

    private ProxyUnderTest proxy(Snapshots s, RecordingTelemetry recorder) throws Exception {
        ProxyUnderTest p = closing(ProxyUnderTest.start("web", s.build()));
        p.proxy().telemetry().add(recorder);
        return p;
    }

    private HttpResponse<String> send(ProxyUnderTest p, String host, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + path)).header("Host", host);
        if (body != null) {
            b.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RequestOutcome ended(Recorded r) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> r.outcome != null);
        return r.outcome;
    }

    private static Recorded only(RecordingTelemetry recorder) throws InterruptedException {
        Recorded r = recorder.started.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("observed request").isNotNull();
        return r;
    }

    @Test
    void followsANormalRequestFromRouteToEnd() throws Exception {
        TestBackend backend = closing(TestBackend.start("catalog"));
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder().service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port())),
                recorder);

        HttpResponse<String> response = send(p, "catalog", "/echo", "hello");

        assertThat(response.statusCode()).isEqualTo(200);
        Recorded r = only(recorder);
        RequestOutcome o = ended(r);
        assertThat(r.direction).isEqualTo("outbound");
        assertThat(r.request).isEqualTo("POST /echo");
        assertThat(r.calls).containsExactly("route catalog default catalog", "attempt 1 127.0.0.1:" + backend.port(), "headers 200", "end");
        assertThat(r.onEventLoop).containsOnly(true);
        assertThat(o.status()).isEqualTo(200);
        assertThat(o.grpcStatus()).isNull();
        assertThat(o.proxyError()).isNull();
        assertThat(o.aborted()).isFalse();
        assertThat(o.success()).isTrue();
        assertThat(o.requestBytes()).isEqualTo(5);
        assertThat(o.responseBytes()).isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.endpoint()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(o.upstreamNanos()).isPositive().isLessThanOrEqualTo(o.durationNanos());
    }

    @Test
    void aHeaderAddedOnAttemptReachesTheBackend() throws Exception {
        TestBackend backend = closing(TestBackend.start("catalog"));
        RecordingTelemetry recorder = new RecordingTelemetry(h -> h.set("x-test", "set-by-observer"));
        ProxyUnderTest p = proxy(Snapshots.builder().service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port())),
                recorder);

        assertThat(send(p, "catalog", "/echo", null).body()).contains("x-test=set-by-observer");
    }

    @Test
    void aRetriedRequestReportsEachAttempt() throws Exception {
        TestBackend backend = closing(TestBackend.start("catalog"));
        RetryPolicy retry = new RetryPolicy(1, Set.of(RetryPolicy.RetryOn.RETRIABLE_STATUS_CODES), Set.of(503), Set.of(),
                Duration.ofMillis(1), Duration.ofMillis(2), Duration.ZERO, false, 65536);
        RouteAction action = new RouteAction(List.of(new RouteAction.WeightedCluster("catalog", 1)), Duration.ZERO, retry, null, null);
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder().service("catalog", UpstreamProtocol.HTTP1,
                List.of(new Route("r", RouteMatch.ANY, action)), Endpoint.of("127.0.0.1", backend.port())), recorder);

        HttpResponse<String> response = send(p, "catalog", "/status/503", null);

        assertThat(response.statusCode()).isEqualTo(503);
        Recorded r = only(recorder);
        RequestOutcome o = ended(r);
        String endpoint = "127.0.0.1:" + backend.port();
        assertThat(r.calls).containsExactly("route catalog r catalog", "attempt 1 " + endpoint, "retry 1 status_503",
                "attempt 2 " + endpoint, "headers 503", "end");
        assertThat(r.onEventLoop).containsOnly(true);
        assertThat(o.attempts()).isEqualTo(2);
        assertThat(o.status()).isEqualTo(503);
        assertThat(o.proxyError()).isNull();
        assertThat(o.success()).isFalse();
        assertThat(backend.requests()).isEqualTo(2);
    }

    @Test
    void aRequestWithoutRouteEndsWithTheProxysError() throws Exception {
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder(), recorder);

        HttpResponse<String> response = send(p, "nowhere", "/", null);

        assertThat(response.statusCode()).isEqualTo(503);
        Recorded r = only(recorder);
        RequestOutcome o = ended(r);
        assertThat(r.calls).containsExactly("end");
        assertThat(o.status()).isEqualTo(503);
        assertThat(o.proxyError()).isEqualTo("no-route");
        assertThat(o.aborted()).isFalse();
        assertThat(o.attempts()).isZero();
        assertThat(o.endpoint()).isNull();
        assertThat(o.upstreamNanos()).isEqualTo(-1);
        assertThat(o.responseBytes()).isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aRateLimitedRequestStillNamesItsRoute() throws Exception {
        TestBackend backend = closing(TestBackend.start("catalog"));
        RouteAction action = new RouteAction(List.of(new RouteAction.WeightedCluster("catalog", 1)), Duration.ZERO,
                RetryPolicy.NONE, null, new RateLimit(1, 1, Duration.ofHours(1)));
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder().service("catalog", UpstreamProtocol.HTTP1,
                List.of(new Route("limited", RouteMatch.ANY, action)), Endpoint.of("127.0.0.1", backend.port())), recorder);

        assertThat(send(p, "catalog", "/echo", null).statusCode()).isEqualTo(200);
        assertThat(send(p, "catalog", "/echo", null).statusCode()).isEqualTo(429);

        ended(only(recorder));
        Recorded limited = only(recorder);
        RequestOutcome o = ended(limited);
        assertThat(limited.calls).containsExactly("route catalog limited catalog", "end");
        assertThat(o.proxyError()).isEqualTo("rate-limited");
        assertThat(o.status()).isEqualTo(429);
        assertThat(o.attempts()).isZero();
    }

    @Test
    void aConnectFailureNamesTheEndpointTried() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder().service("gone", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", closed)), recorder);

        assertThat(send(p, "gone", "/", null).statusCode()).isEqualTo(502);

        RequestOutcome o = ended(only(recorder));
        assertThat(o.proxyError()).isEqualTo("connect-refused");
        assertThat(o.attempts()).isEqualTo(3); // the default policy retries connect failures twice
        assertThat(o.endpoint()).isEqualTo("127.0.0.1:" + closed);
        assertThat(o.upstreamNanos()).isEqualTo(-1);
    }

    @Test
    void anUpstreamResetMidResponseAbortsTheExchange() throws Exception {
        ScriptedUpstream upstream = closing(ScriptedUpstream.cutsResponse(1000, 10));
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder().service("flaky", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", upstream.port())),
                recorder);

        String seen = rawExchange(p.outbound(), "GET /cut HTTP/1.1\r\nHost: flaky\r\n\r\n");

        assertThat(seen).startsWith("HTTP/1.1 200");
        Recorded r = only(recorder);
        RequestOutcome o = ended(r);
        assertThat(r.calls).containsExactly("route flaky default flaky", "attempt 1 127.0.0.1:" + upstream.port(), "headers 200", "end");
        assertThat(o.aborted()).isTrue();
        assertThat(o.status()).isEqualTo(200);
        assertThat(o.proxyError()).isEqualTo("upstream-reset");
        assertThat(o.responseBytes()).isEqualTo(10);
        assertThat(o.success()).isFalse();
    }

    @Test
    void aCallerThatGoesAwayAbortsTheExchange() throws Exception {
        ScriptedUpstream upstream = closing(ScriptedUpstream.neverAnswers());
        RecordingTelemetry recorder = new RecordingTelemetry();
        ProxyUnderTest p = proxy(Snapshots.builder().service("stuck", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", upstream.port())),
                recorder);

        try (Socket s = new Socket("127.0.0.1", p.outbound())) {
            s.getOutputStream().write("GET /wait HTTP/1.1\r\nHost: stuck\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            await().atMost(10, TimeUnit.SECONDS).until(() -> upstream.requests() == 1);
        }

        Recorded r = only(recorder);
        RequestOutcome o = ended(r);
        assertThat(r.calls).containsExactly("route stuck default stuck", "attempt 1 127.0.0.1:" + upstream.port(), "end");
        assertThat(o.aborted()).isTrue();
        assertThat(o.status()).isZero();
        assertThat(o.proxyError()).isNull();
        assertThat(o.upstreamNanos()).isEqualTo(-1);
        assertThat(o.attempts()).isEqualTo(1);
    }

    /** Sends raw bytes and reads until the proxy closes the connection. */
    static String rawExchange(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
