package dev.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed and oversized requests get a clear 4xx, the connection closes cleanly, and the proxy keeps serving. */
class BadInputTest {
    private TestBackend backend;
    private ProxyUnderTest proxy;

    @BeforeEach
    void setUp() throws Exception {
        backend = TestBackend.start("catalog");
        proxy = ProxyUnderTest.start("web", Snapshots.builder()
                .service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port())).build());
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        backend.close();
    }

    @Test
    void garbageGets400AndClose() throws Exception {
        assertThat(exchange("GET / HTTP/1.1\r\nHost: catalog\r\nthis is not a header\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("\u0000\u0001\u0002 nonsense\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400").contains("missing Host");
        assertStillServing();
    }

    @Test
    void oversizedHeadersAndLinesAreRefused() throws Exception {
        String bigHeader = "x-big: " + "a".repeat(70 * 1024) + "\r\n";
        assertThat(exchange("GET / HTTP/1.1\r\nHost: catalog\r\n" + bigHeader + "\r\n")).startsWith("HTTP/1.1 431");
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: catalog\r\n");
        for (int i = 0; i < 150; i++) {
            many.append("x-h").append(i).append(": v\r\n");
        }
        assertThat(exchange(many + "\r\n")).startsWith("HTTP/1.1 431").contains("trellis-error: headers-too-large");
        assertThat(exchange("GET /" + "p".repeat(10 * 1024) + " HTTP/1.1\r\nHost: catalog\r\n\r\n")).startsWith("HTTP/1.1 414");
        assertStillServing();
    }

    @Test
    void pipelinedRequestsAnswerInOrder() throws Exception {
        String two = "GET /echo?first HTTP/1.1\r\nHost: catalog\r\n\r\nGET /echo?second HTTP/1.1\r\nHost: catalog\r\nConnection: close\r\n\r\n";
        String response = exchange(two);
        assertThat(response.indexOf("uri=/echo?first")).isPositive().isLessThan(response.indexOf("uri=/echo?second"));
    }

    private void assertStillServing() throws Exception {
        assertThat(exchange("GET /echo HTTP/1.1\r\nHost: catalog\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").contains("backend=catalog");
    }

    /** Sends raw bytes and reads until the proxy closes the connection. */
    private String exchange(String raw) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.outbound())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("no close after: " + got.toString(StandardCharsets.ISO_8859_1), e);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
