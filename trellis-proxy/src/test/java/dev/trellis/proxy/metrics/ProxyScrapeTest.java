package dev.trellis.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.StrictExposition;
import dev.trellis.proxy.testing.TcpServers;
import dev.trellis.proxy.testing.TestBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /metrics of a real proxy after real traffic, read by the strict reader. */
class ProxyScrapeTest {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aRealScrapeFollowsTheTextFormatAndCountsByPeer() throws Exception {
        try (TestBackend app = TestBackend.start("catalog");
             TcpServers echo = TcpServers.echo();
             ProxyUnderTest catalog = ProxyUnderTest.start("catalog", Snapshots.builder().app(app.port(), UpstreamProtocol.HTTP1).build());
             ProxyUnderTest web = ProxyUnderTest.start("web", Snapshots.builder()
                     .service("catalog", UpstreamProtocol.HTTP1, new Endpoint("127.0.0.1", catalog.inbound(), 1, Map.of(), true))
                     .build());
             ProxyUnderTest db = ProxyUnderTest.start("db", Snapshots.builder().app(echo.port(), UpstreamProtocol.HTTP1).build())) {
            for (String path : List.of("/echo", "/echo", "/echo", "/status/500", "/status/404")) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound() + path)).header("Host", "catalog").build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            try (Socket s = new Socket("127.0.0.1", db.inbound())) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("\u0001opaque\n".getBytes());
                out.flush();
                InputStream in = s.getInputStream();
                assertThat(in.readNBytes(8)).hasSize(8);
            }

            StrictExposition caller = scrape(web);
            Map<String, String> outbound = Map.of("direction", "outbound", "dst_service", "catalog", "route", "default",
                    "tls", "false", "server_id", "");
            assertThat(caller.sum("request_total", outbound)).isEqualTo(5);
            assertThat(caller.sum("response_total", with(outbound, "classification", "success"))).isEqualTo(4);
            assertThat(caller.sum("response_total", with(outbound, "classification", "failure"))).isEqualTo(1);
            assertThat(caller.sum("response_latency_ms_count", outbound)).isEqualTo(5);

            StrictExposition callee = scrape(catalog);
            Map<String, String> inbound = Map.of("direction", "inbound", "tls", "false", "client_id", "");
            assertThat(callee.sum("request_total", inbound)).isEqualTo(5);
            assertThat(callee.sum("response_total", with(inbound, "status_code", "404"))).isEqualTo(1);

            StrictExposition tcp = scrape(db);
            assertThat(tcp.sum("tcp_open_total", Map.of("direction", "inbound", "tls", "false", "client_id", ""))).isEqualTo(1);
            for (StrictExposition e : List.of(caller, callee, tcp)) {
                assertThat(e.families()).containsKeys("process_start_time_seconds", "trellis_build_info", "proxy_config_updates_total",
                        "proxy_ready", "identity_cert_expiration_timestamp_seconds", "tls_handshake_total");
                e.families().forEach((name, f) -> {
                    if (MetricFamilies.known(name)) {
                        assertThat(f.help()).as(name).isEqualTo(MetricFamilies.of(name).help());
                    }
                });
            }
        }
    }

    private StrictExposition scrape(ProxyUnderTest p) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        return StrictExposition.parse(r.body());
    }

    private static Map<String, String> with(Map<String, String> base, String k, String v) {
        Map<String, String> out = new java.util.HashMap<>(base);
        out.put(k, v);
        return out;
    }
}
