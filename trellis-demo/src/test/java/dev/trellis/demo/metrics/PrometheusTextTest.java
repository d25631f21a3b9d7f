package dev.trellis.demo.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void parsesSamplesWithAndWithoutLabelsSkippingComments() {
        List<Sample> samples = PrometheusText.parse("""
                # HELP request_total Requests.
                # TYPE request_total counter
                request_total{direction="inbound",dst_service="web"} 42

                process_uptime_seconds 12.5 1700000000000
                response_latency_ms_bucket{direction="outbound",le="+Inf"} 7
                """);

        assertThat(samples).containsExactly(
                new Sample("request_total", Map.of("direction", "inbound", "dst_service", "web"), 42),
                new Sample("process_uptime_seconds", Map.of(), 12.5),
                new Sample("response_latency_ms_bucket", Map.of("direction", "outbound", "le", "+Inf"), 7));
    }

    @Test
    void unescapesLabelValuesAndReadsSpecialNumbers() {
        List<Sample> samples = PrometheusText.parse(
                "m{path=\"/a \\\"b\\\"\",note=\"x\\\\y\\nz\",} NaN\nn +Inf\no -Inf\np 1e3\n");

        assertThat(samples.get(0).labels()).containsEntry("path", "/a \"b\"").containsEntry("note", "x\\y\nz");
        assertThat(samples.get(0).value()).isNaN();
        assertThat(samples.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(samples.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(samples.get(3).value()).isEqualTo(1000);
    }

    @Test
    void toleratesSpacesAroundLabelsAndCarriageReturns() {
        List<Sample> samples = PrometheusText.parse("m{ a = \"1\" , b=\"2\" } 3\r\n");

        assertThat(samples).containsExactly(new Sample("m", Map.of("a", "1", "b", "2"), 3));
    }

    @Test
    void namesTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nm{a=\"1\" b=\"2\"} 3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 2, column 9: 'b' (expected: ',' or '}')");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1} 3"))
                .hasMessageContaining("(expected: a closing '\"')");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\"}"))
                .hasMessageContaining("end of line (expected: a value)");
        assertThatThrownBy(() -> PrometheusText.parse("m twelve"))
                .hasMessage("line 1: twelve (expected: a number)");
    }
}
