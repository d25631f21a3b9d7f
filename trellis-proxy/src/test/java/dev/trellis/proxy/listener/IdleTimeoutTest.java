package dev.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.IdleTimeouts;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.testing.CountingBackend;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Downstream idle timeouts with real sockets: idle connections close, silent requests end, moving ones survive. */
class IdleTimeoutTest {
    private static final Duration CONNECTION_IDLE = Duration.ofMillis(400);
    private static final Duration STREAM_IDLE = Duration.ofMillis(600);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CountingBackend backend;
    private ProxyUnderTest proxy;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private void start(IdleTimeouts timeouts) throws Exception {
        backend = CountingBackend.start("b");
        closeables.add(backend);
        ListenerConfig outbound = new ListenerConfig("outbound", ListenerConfig.Direction.OUTBOUND, 0,
                ListenerConfig.ListenerProtocol.HTTP, "outbound", null, false, ListenerConfig.DEFAULT_DETECT_TIMEOUT)
                .withIdleTimeouts(timeouts);
        proxy = ProxyUnderTest.start("web", Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port()))
                .listener(outbound)
                .build());
        closeables.add(proxy);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.outbound());
        s.setSoTimeout(5000);
        closeables.add(s);
        return s;
    }

    private static String request(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: svc\r\n\r\n";
    }

    /** Reads one response with a content-length body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(c);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = new DataInputStream(in).readNBytes(length);
        return text + new String(body, StandardCharsets.UTF_8);
    }

    /** Blocks until the peer closes; false on timeout. */
    private static boolean closedByPeer(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void anIdleHttp1ConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(new IdleTimeouts(CONNECTION_IDLE, Duration.ZERO));
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        out.write(request("/echo").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").contains("backend=b");
        long idleFrom = System.nanoTime();
        assertThat(closedByPeer(s.getInputStream())).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - idleFrom)).isGreaterThanOrEqualTo(CONNECTION_IDLE.minusMillis(50));
    }

    @Test
    void aConnectionWithARequestInFlightIsNotIdle() throws Exception {
        start(new IdleTimeouts(CONNECTION_IDLE, Duration.ZERO));
        Socket s = connect();
        // the backend answers after three idle timeouts: the connection has a request in flight all along
        s.getOutputStream().write(request("/slow?ms=1200").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
        // and keep-alive goes on: a second request on the same connection
        s.getOutputStream().write(request("/echo").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
    }

    @Test
    void aSlowButMovingStreamSurvivesBothTimeouts() throws Exception {
        start(new IdleTimeouts(CONNECTION_IDLE, STREAM_IDLE));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // 15 chunks 150 ms apart: 2.25 s in all, far beyond both timeouts, never silent for long
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound()
                + "/drip?chunks=15&ms=150")).header("Host", "svc").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("chunk 0").contains("chunk 14");
    }

    @Test
    void aSilentRequestEndsWith408() throws Exception {
        start(new IdleTimeouts(Duration.ZERO, STREAM_IDLE));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound()
                + "/slow?ms=3000")).header("Host", "svc").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(408);
        assertThat(r.headers().firstValue("trellis-error")).hasValue("stream-idle-timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(STREAM_IDLE.minusMillis(50), Duration.ofMillis(2500));
        assertThat(proxy.proxy().metrics()).contains("cause=\"stream-idle-timeout\"");
    }

    @Test
    void aResponseThatStopsMovingIsReset() throws Exception {
        start(new IdleTimeouts(Duration.ZERO, STREAM_IDLE));
        Socket s = connect();
        // two chunks, then silence longer than the stream idle timeout
        s.getOutputStream().write(request("/drip?chunks=2&ms=1500").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) >= 0) { // the socket's 5 s timeout fails the test if it never closes
                seen.write(c);
            }
        } catch (java.net.SocketException reset) {
            // closed: as good as the end of the stream
        }
        // the head went out, then the connection was cut before the end of the body
        assertThat(seen.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200").doesNotContain("chunk 1");
    }

    @Test
    void anIdleHttp2ConnectionGetsGoAwayThenCloses() throws Exception {
        start(new IdleTimeouts(CONNECTION_IDLE, Duration.ZERO));
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        long start = System.nanoTime();
        boolean goAway = false;
        while (true) {
            byte[] header = new byte[9];
            try {
                in.readFully(header);
            } catch (IOException closed) {
                break;
            }
            int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
            goAway |= header[3] == 7;
            in.readNBytes(length);
            if (header[3] == 4 && (header[4] & 1) == 0) {
                out.write(new byte[] {0, 0, 0, 4, 1, 0, 0, 0, 0}); // acknowledge the server's SETTINGS
                out.flush();
            }
        }
        assertThat(goAway).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(CONNECTION_IDLE.minusMillis(50));
    }
}
