package dev.trellis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.demo.metrics.MetricsSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshStatsTest {
    private static final long SECOND = 1_000_000_000L;
    private final MeshPlan plan = MeshPlan.allocate();

    private static MetricsSnapshot scrape(long nanoTime, String direction, String dst, long ok, long failed) {
        String labels = "direction=\"" + direction + "\",src_service=\"x\",dst_service=\"" + dst + "\",route=\"r\"";
        return MetricsSnapshot.parse("""
                response_total{%1$s,status_code="200",grpc_status="",classification="success"} %2$d
                response_total{%1$s,status_code="502",grpc_status="",classification="failure"} %3$d
                response_latency_ms_bucket{%1$s,status_code="200",grpc_status="",classification="success",le="10"} %2$d
                response_latency_ms_bucket{%1$s,status_code="200",grpc_status="",classification="success",le="+Inf"} %2$d
                """.formatted(labels, ok, failed), nanoTime);
    }

    @Test
    void servicesComeFromInboundSidesAndCallsFromOutboundSides() {
        Map<String, MetricsSnapshot> before = Map.of(
                "client", scrape(0, "outbound", "web", 10, 0),
                "web", scrape(0, "inbound", "web", 10, 0));
        Map<String, MetricsSnapshot> after = Map.of(
                "client", scrape(2 * SECOND, "outbound", "web", 70, 0),
                "web", scrape(2 * SECOND, "inbound", "web", 67, 3),
                "recommend", scrape(2 * SECOND, "inbound", "recommend", 5, 0));

        List<MeshStats.Row> services = MeshStats.services(plan, before, after);
        List<MeshStats.Row> calls = MeshStats.edges(plan, before, after);

        assertThat(services).extracting(MeshStats.Row::name)
                .containsExactly("web", "catalog-v1", "catalog-v2", "recommend");
        MeshStats.Row web = services.get(0);
        assertThat(web.stats().orElseThrow().responses()).isEqualTo(60);
        assertThat(web.stats().orElseThrow().successRate()).isEqualTo(57 / 60.0);
        assertThat(web.stats().orElseThrow().requestsPerSecond()).isEqualTo(30);
        assertThat(services.get(1).stats()).as("catalog-v1 was not scraped").isEmpty();
        // recommend's first scrape: everything it counted so far, over no window yet
        assertThat(services.get(3).stats().orElseThrow().responses()).isEqualTo(5);
        assertThat(services.get(3).stats().orElseThrow().requestsPerSecond()).isZero();
        assertThat(calls).extracting(MeshStats.Row::name).containsExactly("client -> web");
        assertThat(calls.get(0).stats().orElseThrow().responses()).isEqualTo(60);

        List<String> table = new StatsTable(false).render("SERVICE", services);
        assertThat(table).containsExactly(
                "SERVICE         RPS   SUCCESS   P50_MS   P99_MS  RESPONSES",
                "web            30.0    95.00%      5.0      9.9         60",
                "catalog-v1 (metrics unavailable)",
                "catalog-v2 (metrics unavailable)",
                "recommend       0.0   100.00%      5.0      9.9          5");
        assertThat(String.join("\n", new StatsTable(true).render("SERVICE", services)))
                .contains("\u001b[1mSERVICE", "\u001b[33m   95.00%\u001b[0m");
    }

    @Test
    void successIsOnlyShownAsCompleteWhenNothingFailed() {
        assertThat(StatsTable.percent(99_999 / 100_000.0)).isEqualTo("99.99%");
        assertThat(StatsTable.percent(1.0)).isEqualTo("100.00%");
        assertThat(StatsTable.percent(Double.NaN)).isEqualTo("-");
        assertThat(StatsTable.millis(3.14159)).isEqualTo("3.1");
        assertThat(StatsTable.millis(123.4)).isEqualTo("123");
    }
}
