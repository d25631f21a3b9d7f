package dev.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.OutlierDetection;
import dev.trellis.proxy.config.RetryBudget;
import dev.trellis.proxy.testing.CountingBackend;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TcpServers;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The max connections circuit breaker against real backends: requests wait for a connection, then overflow. */
class ConnectionLimitTest {
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

    private static ClusterConfig cluster(String name, UpstreamProtocol protocol, CircuitBreakers breakers) {
        return new ClusterConfig(name, name, protocol, ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(1),
                Duration.ofSeconds(60), breakers, RetryBudget.DEFAULT, OutlierDetection.DEFAULT, null);
    }

    private CompletableFuture<HttpResponse<String>> send(ProxyUnderTest p, String path) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + path))
                .header("Host", "svc").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void http1RequestsWaitForTheOneConnectionThenOverflow() throws Exception {
        CountingBackend backend = closing(CountingBackend.start("b"));
        ProxyUnderTest p = closing(ProxyUnderTest.start("web", Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()))
                .clusterConfig(cluster("svc", UpstreamProtocol.HTTP1, new CircuitBreakers(1, 2, 100, 100)))
                .build()));

        CompletableFuture<HttpResponse<String>> first = send(p, "/slow?ms=1500");
        await().until(() -> backend.maxInFlight() == 1);
        List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            more.add(send(p, "/slow?ms=100"));
        }
        // two wait as pending requests (max pending 2), two are refused at once
        await().until(() -> more.stream().filter(CompletableFuture::isDone).count() == 2);
        assertThat(first).isNotDone();
        for (CompletableFuture<HttpResponse<String>> f : more) {
            if (f.isDone()) {
                assertThat(f.get().statusCode()).isEqualTo(503);
                assertThat(f.get().headers().firstValue("trellis-error")).hasValue("overflow");
            }
        }
        for (CompletableFuture<HttpResponse<String>> f : more) {
            assertThat(f.get().statusCode()).isIn(200, 503);
        }
        assertThat(more.stream().filter(f -> f.join().statusCode() == 200).count()).isEqualTo(2);
        assertThat(first.get().statusCode()).isEqualTo(200);
        // one connection at a time: never two requests upstream at once
        assertThat(backend.maxInFlight()).isEqualTo(1);
        String metrics = p.proxy().metrics();
        assertThat(metrics).contains("circuit_breaker_overflow_total{cluster=\"svc\",limit=\"pending\"} 2");
        assertThat(metrics).containsPattern("circuit_breaker_overflow_total\\{cluster=\"svc\",limit=\"connections\"} [2-9]");
        // the limit frees up: the next requests go through
        for (int i = 0; i < 3; i++) {
            assertThat(send(p, "/echo").get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSingleWorkerReusesItsOneConnection() throws Exception {
        CountingBackend backend = closing(CountingBackend.start("b"));
        dev.trellis.proxy.Proxy proxy = dev.trellis.proxy.Proxy.start(dev.trellis.proxy.ProxyOptions.builder("web")
                .ephemeralPorts().workers(1).drainTimeout(Duration.ofSeconds(1)).build());
        closing(proxy::drainAndStop);
        proxy.apply(Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()))
                .clusterConfig(cluster("svc", UpstreamProtocol.HTTP1, new CircuitBreakers(1, 100, 100, 100)))
                .build(), "test");
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outboundPort() + "/slow?ms=50"))
                    .header("Host", "svc").build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        // every request waited for the same keep-alive connection
        assertThat(backend.acceptedConnections()).isEqualTo(1);
        assertThat(backend.maxInFlight()).isEqualTo(1);
    }

    @Test
    void tcpConnectionsOverTheLimitAreClosed() throws Exception {
        TcpServers echo = closing(TcpServers.echo());
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProxyUnderTest p = closing(ProxyUnderTest.start("web", Snapshots.builder()
                .cluster("redis", UpstreamProtocol.TCP, Endpoint.of("127.0.0.1", echo.port()))
                .clusterConfig(cluster("redis", UpstreamProtocol.TCP, new CircuitBreakers(1, 100, 100, 100)))
                .listener(new ListenerConfig("outbound_tcp_" + port, ListenerConfig.Direction.OUTBOUND, port,
                        ListenerConfig.ListenerProtocol.TCP, null, "redis", false, ListenerConfig.DEFAULT_DETECT_TIMEOUT))
                .build()));
        Socket first = closing(tcp(port));
        assertThat(echo(first, "one")).isEqualTo("one");
        Socket second = closing(tcp(port));
        assertThat(second.getInputStream().read()).isEqualTo(-1); // closed at once: the one connection is taken
        assertThat(p.proxy().metrics()).contains("circuit_breaker_overflow_total{cluster=\"redis\",limit=\"connections\"} 1");
        first.close();
        await().untilAsserted(() -> {
            try (Socket third = tcp(port)) {
                assertThat(echo(third, "three")).isEqualTo("three");
            }
        });
    }

    private static Socket tcp(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        return s;
    }

    private static String echo(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.UTF_8);
    }

    @Test
    void http2RequestsShareTheOneConnection() throws Exception {
        CountingBackend app = closing(CountingBackend.start("app"));
        // the destination's sidecar: its inbound listener speaks HTTP/2 to callers and HTTP/1 to the app
        ProxyUnderTest destination = closing(ProxyUnderTest.start("svc", Snapshots.builder()
                .app(app.port(), UpstreamProtocol.HTTP1).build()));
        Endpoint meshed = new Endpoint("127.0.0.1", destination.inbound(), 1, Map.of(), true);
        ProxyUnderTest p = closing(ProxyUnderTest.start("web", Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, meshed)
                .clusterConfig(cluster("svc", UpstreamProtocol.HTTP1, new CircuitBreakers(1, 100, 100, 100)))
                .build()));
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(send(p, "/slow?ms=300"));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        // streams of one connection run side by side
        assertThat(app.maxInFlight()).isGreaterThan(1);
    }
}
