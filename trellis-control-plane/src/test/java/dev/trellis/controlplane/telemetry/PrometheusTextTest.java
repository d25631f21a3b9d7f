package dev.trellis.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void parsesWhatAProxyExports() {
        List<MetricSample> s = PrometheusText.parse("""
                # HELP response_total Responses sent, by route and status.
                # TYPE response_total counter
                response_total{direction="inbound",src_service="catalog",dst_service="catalog",route="inbound",status_code="200",grpc_status="",classification="success"} 12
                response_latency_ms_bucket{direction="inbound",le="+Inf"} 12
                response_latency_ms_sum{direction="inbound"} 3.5
                proxy_ready 1
                identity_cert_expiration_timestamp_seconds 1.7E9
                path_total{path="a \\"quoted\\" \\\\ back\\nslash",} 3 1700000000000

                """);
        assertThat(s).hasSize(6);
        assertThat(s.get(0).name()).isEqualTo("response_total");
        assertThat(s.get(0).labels()).containsEntry("classification", "success").containsEntry("grpc_status", "").hasSize(7);
        assertThat(s.get(0).value()).isEqualTo(12);
        assertThat(s.get(1).label("le")).isEqualTo("+Inf");
        assertThat(s.get(3).labels()).isEmpty();
        assertThat(s.get(4).value()).isEqualTo(1.7e9);
        assertThat(s.get(5).labels()).isEqualTo(Map.of("path", "a \"quoted\" \\ back\nslash"));
        assertThat(s.get(5).label("absent")).isEmpty();
    }

    @Test
    void specialValues() {
        List<MetricSample> s = PrometheusText.parse("a +Inf\nb -Inf\nc NaN\nd -1.5e-3\n");
        assertThat(s).extracting(MetricSample::value).containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, -0.0015);
    }

    @Test
    void refusesMalformedLinesNamingLineAndColumn() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbad{a=\"1\" 2\n"))
                .hasMessageStartingWith("line 2, column 11: '2' (expected: ',' or '}')");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"1\"}\n")).hasMessageContaining("line 1").hasMessageContaining("a space before the value");
        assertThatThrownBy(() -> PrometheusText.parse("x 0x10\n")).hasMessageContaining("line 1: value 0x10 (expected: a number)");
        assertThatThrownBy(() -> PrometheusText.parse("x 1 2 3\n")).hasMessageContaining("the end of the line");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("a repeats");
        assertThatThrownBy(() -> PrometheusText.parse("x{a=\"\\t\"} 1\n")).hasMessageContaining("an escape");
        assertThatThrownBy(() -> PrometheusText.parse("9x 1\n")).hasMessageContaining("(expected: a name)");
    }
}
