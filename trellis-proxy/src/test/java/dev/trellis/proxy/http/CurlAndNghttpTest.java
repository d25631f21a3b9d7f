package dev.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.Processes;
import dev.trellis.proxy.testing.Processes.Result;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients nobody here wrote: curl (HTTP/1.1 and h2c prior knowledge), nghttp and h2load, through two sidecars. */
class CurlAndNghttpTest {
    private TestBackend backend;
    private ProxyUnderTest server;
    private ProxyUnderTest caller;

    @BeforeEach
    void setUp() throws Exception {
        backend = TestBackend.start("catalog");
        server = ProxyUnderTest.start("catalog", Snapshots.builder().app(backend.port(), UpstreamProtocol.HTTP1).build());
        caller = ProxyUnderTest.start("web", Snapshots.builder()
                .service("catalog", UpstreamProtocol.HTTP1, new Endpoint("127.0.0.1", server.inbound(), 1, Map.of(), true))
                .build());
    }

    @AfterEach
    void tearDown() {
        caller.close();
        server.close();
        backend.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + caller.outbound() + path;
    }

    @Test
    void curlHttp1KeepAliveReusesOneConnection() throws Exception {
        assumeTrue(Processes.available("curl"));
        Result r = Processes.run(List.of("curl", "-sS", "-v", "-H", "Host: catalog", url("/echo?1"), url("/echo?2"), url("/echo?3")));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("uri=/echo?1", "uri=/echo?2", "uri=/echo?3");
        assertThat(r.stderr()).contains("Re-using existing connection");
    }

    @Test
    void curlHttp2PriorKnowledge() throws Exception {
        assumeTrue(Processes.available("curl"));
        Result r = Processes.run(List.of("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}",
                "-H", "Host: catalog", "-H", "x-test: h2", url("/echo")));
        assertThat(r.stdout()).contains("backend=catalog", "x-test=h2").endsWith("2 200");
    }

    @Test
    void curlChunkedUploadWithExpectContinue(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.available("curl"));
        Path file = dir.resolve("body.bin");
        byte[] data = new byte[2 * 1024 * 1024];
        new java.util.Random(1).nextBytes(data);
        Files.write(file, data);
        Result r = Processes.run(List.of("curl", "-sS", "-v", "-H", "Host: catalog", "-H", "Transfer-Encoding: chunked",
                "-H", "Expect: 100-continue", "--data-binary", "@" + file, url("/echo")));
        assertThat(r.stdout()).contains("body-bytes=" + data.length);
        assertThat(r.stderr()).contains("HTTP/1.1 100 Continue");
    }

    @Test
    void curlHttp2UploadStreamsWithFlowControl(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.available("curl"));
        Path file = dir.resolve("body.bin");
        byte[] data = new byte[8 * 1024 * 1024];
        new java.util.Random(2).nextBytes(data);
        Files.write(file, data);
        Result r = Processes.run(List.of("curl", "-sS", "--http2-prior-knowledge", "-H", "Host: catalog",
                "--data-binary", "@" + file, url("/echo")));
        assertThat(r.stdout()).contains("body-bytes=" + data.length);
        Result big = Processes.run(List.of("curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{size_download}",
                "-H", "Host: catalog", url("/bytes?n=20000000")));
        assertThat(big.stdout()).isEqualTo("20000000");
    }

    @Test
    void nghttpMultiplexesConcurrentStreams() throws Exception {
        assumeTrue(Processes.available("nghttp"));
        Result r = Processes.run(List.of("nghttp", "-n", "-s", "-H", ":authority: catalog",
                url("/echo?a"), url("/echo?b"), url("/echo?c"), url("/status/404")));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("/echo?a", "/echo?b", "/echo?c", "/status/404");
    }

    /**
     * A burst of 150 concurrent streams with bodies on fresh connections: the caller's sidecar must keep each
     * connection to the other within what that one accepts (counting the streams it handed out, and assuming 100
     * until the peer's SETTINGS arrive), and no connection between them may break.
     */
    @Test
    void nghttpIsGivenAWideConnectionWindow() throws Exception {
        assumeTrue(Processes.available("nghttp"));
        Result r = Processes.run(List.of("nghttp", "-nv", "-H", ":authority: catalog", url("/echo")));
        assertThat(r.exitCode()).isZero();
        // SETTINGS widen each stream's window; only a WINDOW_UPDATE on stream 0 widens the connection's 65,535 bytes
        java.util.regex.Matcher update = java.util.regex.Pattern.compile(
                "recv WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=0>\\s+\\(window_size_increment=(\\d+)\\)")
                .matcher(r.stdout());
        assertThat(update.find()).as("a connection window update in %s", r.stdout()).isTrue();
        assertThat(65_535 + Long.parseLong(update.group(1))).isGreaterThanOrEqualTo(1024 * 1024);
    }

    @Test
    void h2loadBurstOfConcurrentUploadsKeepsTheSidecarConnectionHealthy(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.available("h2load"));
        Path body = dir.resolve("body.bin");
        Files.write(body, new byte[1024]);
        Result r = Processes.run(List.of("h2load", "-n", "3000", "-c", "1", "-m", "150", "-d", body.toString(),
                "-H", ":authority: catalog", url("/echo")));
        String errors = Processes.run(List.of("curl", "-s", "http://127.0.0.1:" + caller.admin() + "/metrics")).stdout()
                + Processes.run(List.of("curl", "-s", "http://127.0.0.1:" + server.admin() + "/metrics")).stdout();
        assertThat(r.stdout()).as(r.stdout() + errors.lines().filter(l -> l.contains("error") && !l.startsWith("#") && !l.endsWith(" 0")).toList()).contains("3000 succeeded, 0 failed, 0 errored");
    }

    @Test
    void h2loadCompletesEveryRequest() throws Exception {
        assumeTrue(Processes.available("h2load"));
        Result r = Processes.run(List.of("h2load", "-n", "2000", "-c", "4", "-m", "10", "-H", ":authority: catalog", url("/echo")));
        assertThat(r.stdout()).contains("2000 succeeded, 0 failed, 0 errored");
    }
}
