package dev.trellis.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.proxy.testing.StrictExposition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyMetricsTest {
    static final String WEB = "spiffe://cluster.local/ns/default/sa/web";
    static final String ADMIN = "spiffe://cluster.local/ns/default/sa/admin";

    final ProxyMetrics metrics = new ProxyMetrics("catalog");

    @Test
    void everyFamilyIsWrittenOnceWithHelpAndTypeAndEverySeriesOnce() {
        RouteStats inbound = metrics.route("inbound", "catalog", "inbound");
        inbound.forPeer(WEB).request();
        inbound.forPeer(WEB).response(200, null).record(3_000_000);
        inbound.forPeer(ADMIN).response(503, null).record(70_000_000);
        inbound.forPeer(null).response(200, "14").record(1_000);
        RouteStats odd = metrics.route("outbound", "pay\"ments\\", "split/0\nx");
        odd.forPeer("spiffe://cluster.local/ns/default/sa/payments").response(200, null).record(1);
        metrics.tcp("inbound", "catalog", WEB).opened();
        metrics.tcp("outbound", "redis").read(10);
        metrics.proxyError("outbound", "no_route");
        metrics.counter("retries_total", "cluster=\"a\"").increment();
        metrics.gauge("outlier_ejections_total{cluster=\"a\"}", () -> 1);
        metrics.counter("retries_total", "cluster=\"b\"").add(2);
        metrics.gauge("outlier_ejections_total{cluster=\"b\"}", () -> 2L);
        metrics.gauge("proxy_ready", () -> 1);
        metrics.family("identity_cert_expiry_timestamp_seconds", out -> out.add("identity=\"" + WEB + "\"", 1.8e9));
        metrics.gauge("something_new_total", () -> 5);

        StrictExposition e = StrictExposition.parse(metrics.scrape());

        assertThat(e.families().get("response_latency_ms").type()).isEqualTo("histogram");
        assertThat(e.families().get("tcp_open_connections").type()).isEqualTo("gauge");
        assertThat(e.families().get("outlier_ejections_total").type()).isEqualTo("counter");
        assertThat(e.families().get("something_new_total").type()).as("an undescribed family still gets a type").isEqualTo("counter");
        assertThat(e.sum("retries_total", Map.of())).isEqualTo(3);
        assertThat(e.sum("outlier_ejections_total", Map.of())).isEqualTo(3);
        assertThat(e.sum("response_total", Map.of("client_id", WEB, "tls", "true", "classification", "success"))).isEqualTo(1);
        assertThat(e.sum("response_total", Map.of("client_id", ADMIN, "classification", "failure"))).isEqualTo(1);
        assertThat(e.sum("response_total", Map.of("tls", "false", "client_id", "", "grpc_status", "14"))).isEqualTo(1);
        assertThat(e.sum("response_latency_ms_bucket", Map.of("client_id", ADMIN, "le", "50"))).isZero();
        assertThat(e.sum("response_latency_ms_bucket", Map.of("client_id", ADMIN, "le", "100"))).isEqualTo(1);
        assertThat(e.sum("request_total", Map.of("direction", "inbound", "client_id", WEB))).isEqualTo(1);
        assertThat(e.find("response_total", Map.of("route", "split/0\nx", "dst_service", "pay\"ments\\",
                "server_id", "spiffe://cluster.local/ns/default/sa/payments"))).hasSize(1);
        assertThat(e.sum("tcp_open_total", Map.of("direction", "inbound", "tls", "true", "client_id", WEB))).isEqualTo(1);
        assertThat(e.sum("tcp_read_bytes_total", Map.of("direction", "outbound", "tls", "false", "server_id", ""))).isEqualTo(10);
        assertThat(e.sum("identity_cert_expiry_timestamp_seconds", Map.of("identity", WEB))).isEqualTo(1.8e9);
    }

    @Test
    void theBaseSeriesOfARouteIsNotWrittenOnceOnlyPeersRecord() {
        RouteStats base = metrics.route("outbound", "catalog", "default");
        base.forPeer(null).request();
        StrictExposition e = StrictExposition.parse(metrics.scrape());
        assertThat(e.find("request_total", Map.of("route", "default")).entrySet()).singleElement()
                .satisfies(s -> assertThat(s.getKey().labels()).containsEntry("tls", "false").containsEntry("server_id", ""));
    }

    @Test
    void aPeersStatsAreMadeOnceAndSurviveANewSnapshot() {
        RouteStats route = metrics.route("inbound", "catalog", "inbound");
        RouteStats web = route.forPeer(WEB);
        assertThat(route.forPeer(new String(WEB))).isSameAs(web);
        assertThat(route.forPeer(null)).isSameAs(route.forPeer(null)).isNotSameAs(web);
        assertThat(web.forPeer(ADMIN)).as("a peer's variant is final").isSameAs(web);
        // a new configuration snapshot compiles its routes again: the same counters come back
        assertThat(metrics.route("inbound", "catalog", "inbound").forPeer(WEB)).isSameAs(web);
        assertThat(web.labels).endsWith(",tls=\"true\",client_id=\"" + WEB + "\"");
        assertThat(metrics.route("outbound", "catalog", "default").forPeer(null).labels).endsWith(",tls=\"false\",server_id=\"\"");
    }

    @Test
    void processSeriesAndBuildInfo() {
        StrictExposition e = StrictExposition.parse(metrics.scrape());
        double started = e.sum("process_start_time_seconds", Map.of());
        assertThat(started).isPositive().isLessThanOrEqualTo(Instant.now().getEpochSecond() + 1);
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(e.sum("process_resident_memory_bytes", Map.of())).isGreaterThan(1 << 20);
        }
        assertThat(e.sum("process_cpu_seconds_total", Map.of())).isPositive();
        assertThat(e.find("trellis_build_info", Map.of("version", ProcessMetrics.version())).entrySet()).singleElement()
                .satisfies(s -> {
                    assertThat(s.getValue()).isEqualTo(1);
                    assertThat(s.getKey().label("java_version")).isEqualTo(System.getProperty("java.version"));
                });
    }

    @Test
    void residentMemoryIsVmRssInBytes(@TempDir Path dir) throws IOException {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 900 kB\nVmRSS:\t   123456 kB\nThreads:\t42\n");
        assertThat(ProcessMetrics.residentBytes(status)).isEqualTo(123456L * 1024);
        assertThat(ProcessMetrics.residentBytes(dir.resolve("missing"))).isEqualTo(-1);
        assertThat(ProcessMetrics.residentBytes(Files.writeString(dir.resolve("odd"), "VmRSS: lots\n"))).isEqualTo(-1);
    }

    @Test
    void controlPlaneSeriesFollowTheStreamAndTheLastUpdate() {
        AtomicBoolean connected = new AtomicBoolean();
        AtomicLong now = new AtomicLong(1_700_000_000_500L);
        ControlPlaneMetrics xds = ControlPlaneMetrics.register(metrics, connected::get, now::get);
        StrictExposition before = StrictExposition.parse(metrics.scrape());
        assertThat(before.sum("xds_connected", Map.of())).isZero();
        assertThat(before.sum("xds_last_update_timestamp_seconds", Map.of())).isZero();
        connected.set(true);
        xds.updated();
        StrictExposition after = StrictExposition.parse(metrics.scrape());
        assertThat(after.sum("xds_connected", Map.of())).isEqualTo(1);
        assertThat(after.sum("xds_last_update_timestamp_seconds", Map.of())).isEqualTo(1_700_000_000.5);
        assertThat(after.families().get("xds_connected").help()).contains("control plane");
    }

    @Test
    void standaloneHasNoControlPlaneSeries() {
        assertThat(StrictExposition.parse(metrics.scrape()).families()).doesNotContainKeys("xds_connected",
                "xds_last_update_timestamp_seconds");
    }

    @Test
    void valuesAreSpelledAsTheTextFormatWants() {
        assertThat(ProxyMetrics.format(3)).isEqualTo("3");
        assertThat(ProxyMetrics.format(1.7e9)).isEqualTo("1700000000");
        assertThat(ProxyMetrics.format(0.25)).isEqualTo("0.25");
        assertThat(ProxyMetrics.format(1_795_658_777.864)).isEqualTo("1795658777.864");
        assertThat(ProxyMetrics.format(1e-9)).isEqualTo("1.0E-9");
        assertThat(ProxyMetrics.format(Double.NaN)).isEqualTo("NaN");
        assertThat(ProxyMetrics.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(ProxyMetrics.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(ProxyMetrics.format(null)).isEqualTo("NaN");
    }

    @Test
    void theStrictReaderRefusesWhatPrometheusWouldNot() {
        assertThatThrownBy(() -> StrictExposition.parse("# TYPE a counter\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n"))
                .hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> StrictExposition.parse("# HELP a x\n# TYPE a counter\na 1\na 2\n")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> StrictExposition.parse("# HELP a x\n# TYPE a counter\n# TYPE a counter\na 1\n"))
                .hasMessageContaining("second # TYPE");
        assertThatThrownBy(() -> StrictExposition.parse("a 1\n")).hasMessageContaining("no # HELP");
        assertThatThrownBy(() -> StrictExposition.parse("# HELP a x\n# TYPE a gauge\na{b=\"c} 1\n")).hasMessageContaining("a label name");
        assertThatThrownBy(() -> StrictExposition.parse("# HELP a x\n# TYPE a gauge\na 1,5\n")).hasMessageContaining("does not follow");
        assertThatThrownBy(() -> StrictExposition.parse("# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                + "h_bucket{le=\"+Inf\"} 1\n")).hasMessageContaining("smaller");
        assertThatThrownBy(() -> StrictExposition.parse("# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n"))
                .hasMessageContaining("_count");
    }
}
