package dev.trellis.proxy.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.config.TracingConfig.Exporter;
import dev.trellis.proxy.telemetry.tracing.TracingEnvironment.Requested;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The mesh's Telemetry wins for what it sets; the OpenTelemetry environment fills in the rest, or alone turns tracing on. */
class TracingEnvironmentTest {
    static final Requested NOTHING = new Requested(OptionalDouble.empty(), Optional.empty(), Optional.empty());

    static TracingConfig resolve(Map<String, String> env, Requested requested) {
        return TracingEnvironment.of(env).resolve(Optional.ofNullable(requested));
    }

    @Test
    void noTelemetryAndNoEnvironmentIsOff() {
        assertThat(resolve(Map.of(), null)).isEqualTo(TracingConfig.DISABLED);
        assertThat(resolve(Map.of("OTEL_TRACES_SAMPLER_ARG", "0.5"), null)).isEqualTo(TracingConfig.DISABLED);
        assertThat(resolve(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://z:9411/api/v2/spans"), null))
                .isEqualTo(TracingConfig.DISABLED);
    }

    @Test
    void theEnvironmentAloneTurnsTracingOn() {
        assertThat(resolve(Map.of("OTEL_TRACES_EXPORTER", "zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:9411/api/v2/spans",
                "OTEL_TRACES_SAMPLER_ARG", "0.25"), null))
                .isEqualTo(new TracingConfig(25, Exporter.ZIPKIN, "http://127.0.0.1:9411/api/v2/spans"));
        assertThat(resolve(Map.of("OTEL_TRACES_EXPORTER", "otlp"), null)).as("the SDK's default collector")
                .isEqualTo(new TracingConfig(1, Exporter.OTLP, null));
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), null))
                .as("an endpoint says which exporter; port 4318 is OTLP/HTTP: /v1/traces is appended")
                .isEqualTo(new TracingConfig(1, Exporter.OTLP, "http://collector:4318/v1/traces"));
        assertThat(resolve(Map.of("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://z:9411/api/v2/spans"), null).exporter()).isEqualTo(Exporter.ZIPKIN);
    }

    @Test
    void otlpEndpointsSayTheirProtocolByTheirShape() {
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317/"), NOTHING).endpoint())
                .as("gRPC: no path").isEqualTo("http://collector:4317");
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
                NOTHING).endpoint()).isEqualTo("http://collector:4317/v1/traces");
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/base/"), NOTHING).endpoint())
                .isEqualTo("http://collector:4318/base/v1/traces");
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://otel.example/custom/traces",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4317"), NOTHING).endpoint())
                .as("the traces endpoint is used as it is").isEqualTo("https://otel.example/custom/traces");
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces",
                "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"), NOTHING).endpoint()).isEqualTo("http://collector:4318");
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), NOTHING).endpoint())
                .isEqualTo("http://localhost:4318/v1/traces");
        assertThat(resolve(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"), NOTHING).endpoint())
                .as("not a URL: ignored").isNull();
    }

    @Test
    void whatTheTelemetrySetsWinsAndTheEnvironmentFillsTheRest() {
        Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://z:9411/api/v2/spans",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://o:4317", "OTEL_TRACES_SAMPLER", "always_on");
        assertThat(resolve(env, NOTHING)).isEqualTo(new TracingConfig(100, Exporter.ZIPKIN, "http://z:9411/api/v2/spans"));
        assertThat(resolve(env, new Requested(OptionalDouble.of(5), Optional.of(Exporter.OTLP), Optional.empty())))
                .as("exporter and sampling from the mesh, its endpoint from the environment")
                .isEqualTo(new TracingConfig(5, Exporter.OTLP, "http://o:4317"));
        assertThat(resolve(env, new Requested(OptionalDouble.empty(), Optional.of(Exporter.ZIPKIN), Optional.of("http://mesh:9411/api/v2/spans"))))
                .isEqualTo(new TracingConfig(100, Exporter.ZIPKIN, "http://mesh:9411/api/v2/spans"));
        assertThat(resolve(env, new Requested(OptionalDouble.empty(), Optional.of(Exporter.NONE), Optional.empty())).enabled())
                .as("the mesh says none: nothing is reported, whatever the environment says").isFalse();
        assertThat(resolve(Map.of(), NOTHING)).as("defaults: 1 %, OTLP, its default collector")
                .isEqualTo(new TracingConfig(1, Exporter.OTLP, null));
    }

    @Test
    void samplerVariables() {
        assertThat(resolve(Map.of("OTEL_TRACES_SAMPLER", "parentbased_always_off"), NOTHING).samplingPercent()).isZero();
        assertThat(resolve(Map.of("OTEL_TRACES_SAMPLER", "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.1"), NOTHING)
                .samplingPercent()).isEqualTo(10);
        assertThat(resolve(Map.of("OTEL_TRACES_SAMPLER_ARG", "1.5"), NOTHING).samplingPercent()).as("out of range: ignored").isEqualTo(1);
        assertThat(resolve(Map.of("OTEL_TRACES_SAMPLER_ARG", "half"), NOTHING).samplingPercent()).isEqualTo(1);
        assertThat(resolve(Map.of("OTEL_TRACES_EXPORTER", "jaeger"), NOTHING).exporter()).as("unknown: ignored").isEqualTo(Exporter.OTLP);
    }
}
