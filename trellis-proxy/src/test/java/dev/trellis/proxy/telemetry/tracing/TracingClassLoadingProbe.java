package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Run in its own JVM by {@link TracingClassLoadingTest}: a proxy serves a traced-looking request with tracing off,
 * prints a marker, then turns tracing on and serves another.
 */
public final class TracingClassLoadingProbe {
    static final String TRACING_OFF_DONE = "PROBE tracing off: request served";
    static final String TRACING_ON_DONE = "PROBE tracing on: request served";

    public static void main(String[] args) throws Exception {
        try (HeaderBackend backend = new HeaderBackend(); Collectors.Zipkin zipkin = new Collectors.Zipkin()) {
            ProxyUnderTest p = ProxyUnderTest.start("web",
                    Snapshots.builder().service("catalog", UpstreamProtocol.HTTP1, Endpoint.of("127.0.0.1", backend.port())).build());
            request(p.outbound());
            System.out.println(TRACING_OFF_DONE);
            System.out.flush();
            p.proxy().apply(TracingProxyTest.snapshot(backend.port(),
                    "{samplingPercent: 100, exporter: zipkin, endpoint: '" + zipkin.endpoint() + "'}"));
            request(p.outbound());
            System.out.println(TRACING_ON_DONE);
            System.out.flush();
            p.close();
        }
        System.exit(0);
    }

    private static void request(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /items HTTP/1.1\r\nHost: catalog\r\ntraceparent: 00-" + TracingProxyTest.TRACE + "-"
                    + TracingProxyTest.PARENT + "-01\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            if (!response.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("unexpected response: " + response);
            }
        }
    }
}
