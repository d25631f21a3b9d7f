package dev.trellis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTracesLineTest {

    @Test
    void saysHowToTurnTracingOnWhenItIsOff() {
        assertThat(DemoMesh.tracesLine(Map.of())).startsWith("off: ").contains("OTEL_TRACES_EXPORTER=zipkin");
        assertThat(DemoMesh.tracesLine(Map.of("OTEL_TRACES_EXPORTER", "none"))).startsWith("off: ");
    }

    @Test
    void namesTheExporterEndpointAndSamplingTheSidecarsInherit() {
        assertThat(DemoMesh.tracesLine(Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:9411/api/v2/spans", "OTEL_TRACES_SAMPLER_ARG", "1")))
                .isEqualTo("zipkin spans from every sidecar to http://127.0.0.1:9411/api/v2/spans (sampling 1)");
        assertThat(DemoMesh.tracesLine(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")))
                .isEqualTo("otlp spans from every sidecar to http://127.0.0.1:4317 (sampling 0.01)");
    }
}
