package dev.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TcpServers;
import dev.trellis.proxy.testing.WebSocketEchoServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades through two sidecars, and opaque TCP: declared, detected, and server-first. */
class UpgradeAndTcpTest {

    @Test
    void webSocketUpgradePassesThroughBothSidecars() throws Exception {
        try (WebSocketEchoServer ws = WebSocketEchoServer.start();
             ProxyUnderTest server = ProxyUnderTest.start("chat", Snapshots.builder().app(ws.port(), UpstreamProtocol.HTTP1).build());
             ProxyUnderTest caller = ProxyUnderTest.start("web", Snapshots.builder()
                     .service("chat", UpstreamProtocol.HTTP1, new Endpoint("127.0.0.1", server.inbound(), 1, Map.of(), true))
                     .build())) {
            CompletableFuture<String> reply = new CompletableFuture<>();
            WebSocket socket = HttpClient.newBuilder().build().newWebSocketBuilder()
                    .header("Host", "chat")
                    .buildAsync(URI.create("ws://127.0.0.1:" + caller.outbound() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            reply.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText("hello", true);
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("ws-echo:hello");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void inboundDetectsOpaqueTcpAndRelaysIt() throws Exception {
        try (TcpServers echo = TcpServers.echo();
             ProxyUnderTest server = ProxyUnderTest.start("db", Snapshots.builder().app(echo.port(), UpstreamProtocol.HTTP1).build())) {
            assertThat(roundTrip(server.inbound(), null, "\u0001binary-protocol\n")).isEqualTo("\u0001binary-protocol\n");
            assertThat(server.proxy().metrics()).contains("tcp_open_total{direction=\"inbound\"");
        }
    }

    @Test
    void serverFirstProtocolWorksAfterDetectionTimeout() throws Exception {
        try (TcpServers mysqlLike = TcpServers.serverFirst("HELLO from server\n");
             ProxyUnderTest server = ProxyUnderTest.start("db", Snapshots.builder().app(mysqlLike.port(), UpstreamProtocol.HTTP1).build())) {
            assertThat(roundTrip(server.inbound(), "HELLO from server\n", "ping\n")).isEqualTo("ping\n");
        }
    }

    @Test
    void declaredTcpPortSkipsDetection() throws Exception {
        try (TcpServers mysqlLike = TcpServers.serverFirst("GREETING\n");
             ProxyUnderTest server = ProxyUnderTest.start("db", Snapshots.builder().app(mysqlLike.port(), UpstreamProtocol.TCP).build())) {
            long start = System.nanoTime();
            assertThat(roundTrip(server.inbound(), "GREETING\n", "x\n")).isEqualTo("x\n");
            // no detection wait: with one, the server's greeting could not arrive before the detection timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ListenerConfig.DEFAULT_DETECT_TIMEOUT);
        }
    }

    @Test
    void outboundTcpListenerForwardsToTheService() throws Exception {
        try (TcpServers echo = TcpServers.echo()) {
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try (ProxyUnderTest caller = ProxyUnderTest.start("web", Snapshots.builder()
                    .cluster("redis", UpstreamProtocol.TCP, Endpoint.of("127.0.0.1", echo.port()))
                    .listener(new ListenerConfig("outbound_tcp_" + port, ListenerConfig.Direction.OUTBOUND, port,
                            ListenerConfig.ListenerProtocol.TCP, null, "redis", false, ListenerConfig.DEFAULT_DETECT_TIMEOUT))
                    .build())) {
                assertThat(roundTrip(port, null, "SET k v\r\n")).isEqualTo("SET k v\r\n");
            }
        }
    }

    private static String roundTrip(int port, String expectGreeting, String message) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (expectGreeting != null) {
                assertThat(readN(in, expectGreeting.length())).isEqualTo(expectGreeting);
            }
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readN(in, message.length());
        }
    }

    private static String readN(InputStream in, int n) throws Exception {
        byte[] buf = in.readNBytes(n);
        return new String(buf, StandardCharsets.UTF_8);
    }
}
