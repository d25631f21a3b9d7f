package dev.trellis.demo.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Predicate<Map<String, String>> INBOUND = labels -> "inbound".equals(labels.get("direction"));

    private static final String BEFORE = """
            # TYPE response_total counter
            response_total{direction="inbound",dst_service="web",route="inbound",status_code="200",grpc_status=""} 100
            response_total{direction="inbound",dst_service="web",route="inbound",status_code="503",grpc_status=""} 1
            response_total{direction="outbound",dst_service="catalog",route="default",status_code="200",grpc_status=""} 70
            # TYPE response_latency_ms histogram
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="200",le="1"} 50
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="200",le="10"} 100
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="200",le="+Inf"} 100
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="503",le="1"} 1
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="503",le="10"} 1
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="503",le="+Inf"} 1
            response_latency_ms_count{direction="inbound",dst_service="web",status_code="200"} 100
            """;

    private static final String AFTER = """
            response_total{direction="inbound",dst_service="web",route="inbound",status_code="200",grpc_status=""} 190
            response_total{direction="inbound",dst_service="web",route="inbound",status_code="503",grpc_status=""} 1
            response_total{direction="inbound",dst_service="web",route="inbound",status_code="200",grpc_status="14"} 10
            response_total{direction="outbound",dst_service="catalog",route="default",status_code="200",grpc_status=""} 500
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="200",le="1"} 50
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="200",le="10"} 180
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="200",le="+Inf"} 200
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="503",le="1"} 1
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="503",le="10"} 1
            response_latency_ms_bucket{direction="inbound",dst_service="web",status_code="503",le="+Inf"} 1
            """;

    @Test
    void measuresOnlyTheTrafficBetweenTwoScrapes() {
        MetricsSnapshot before = MetricsSnapshot.parse(BEFORE, 0);
        MetricsSnapshot after = MetricsSnapshot.parse(AFTER, 4 * SECOND);

        TrafficStats stats = TrafficStats.between(before, after, INBOUND);

        // 90 more 200s and 10 new gRPC UNAVAILABLE (HTTP 200) responses in 4 s; the old 503 is not in the window
        assertThat(stats.responses()).isEqualTo(100);
        assertThat(stats.successes()).isEqualTo(90);
        assertThat(stats.window()).isEqualTo(Duration.ofSeconds(4));
        assertThat(stats.requestsPerSecond()).isCloseTo(25, within(1e-9));
        assertThat(stats.successRate()).isCloseTo(0.9, within(1e-9));
        // the window's 100 observations: 80 in (1, 10], 20 above 10
        assertThat(stats.p50()).isCloseTo(1 + 9 * 50 / 80.0, within(1e-9));
        assertThat(stats.p99()).isEqualTo(10.0);
    }

    @Test
    void fromNothingCountsEverythingSoFar() {
        MetricsSnapshot after = MetricsSnapshot.parse(AFTER, 2 * SECOND);

        TrafficStats outbound = TrafficStats.between(MetricsSnapshot.empty(0), after,
                labels -> "outbound".equals(labels.get("direction")));

        assertThat(outbound.responses()).isEqualTo(500);
        assertThat(outbound.successRate()).isEqualTo(1.0);
        assertThat(outbound.p50()).isNaN();
    }

    @Test
    void aCounterThatWentDownWasReset() {
        MetricsSnapshot before = MetricsSnapshot.parse(AFTER, 0);
        MetricsSnapshot afterRestart = MetricsSnapshot.parse("""
                response_total{direction="inbound",status_code="200"} 5
                """, SECOND);

        assertThat(TrafficStats.between(before, afterRestart, INBOUND).responses()).isEqualTo(5);
    }

    @Test
    void noTrafficHasNoRates() {
        MetricsSnapshot snapshot = MetricsSnapshot.parse(AFTER, 0);
        MetricsSnapshot same = new MetricsSnapshot(snapshot.samples(), SECOND);

        TrafficStats stats = TrafficStats.between(snapshot, same, INBOUND);

        assertThat(stats.responses()).isZero();
        assertThat(stats.requestsPerSecond()).isZero();
        assertThat(stats.successRate()).isNaN();
        assertThat(stats.p99()).isNaN();
    }

    @Test
    void classifiesResponses() {
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "200"))).isTrue();
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "404"))).isTrue();
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "502"))).isFalse();
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "200", "grpc_status", "0"))).isTrue();
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "200", "grpc_status", "14"))).isFalse();
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "200", "classification", "failure"))).isFalse();
        assertThat(ResponseClass.isSuccess(Map.of("status_code", "", "error", "connect"))).isFalse();
        assertThat(ResponseClass.isSuccess(Map.of())).isFalse();
    }
}
