package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Telemetry;
import dev.trellis.config.resource.Telemetry.AccessLog;
import dev.trellis.config.resource.Telemetry.Exporter;
import dev.trellis.config.resource.Telemetry.Settings;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Telemetry: every field, defaults, scopes, every message and its line. Lines 1-15 are the Services. */
class TelemetryKindTest {
    // line 16:
    static final String MESH = """
            apiVersion: trellis.dev/v1alpha1
            kind: Telemetry
            metadata: {name: mesh-default}
            spec:
              tracing:
                samplingPercent: 10
                exporter: zipkin
                endpoint: http://127.0.0.1:9411/api/v2/spans
              accessLog:
                enabled: true
                path: /var/log/trellis/access.log
            """;

    static ResourceSet load(String yaml) {
        return ConfigLoader.standard().parse("telemetry.yaml", HttpRouteKindTest.SERVICES + yaml);
    }

    static ConfigException failure(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as("expected the Telemetry to be rejected").isNotNull();
        return e;
    }

    static String spec(String spec) {
        return """
                apiVersion: trellis.dev/v1alpha1
                kind: Telemetry
                metadata: {name: t}
                spec:
                """ + spec.indent(2);
    }

    @Test
    void readsEveryField() {
        Telemetry t = load(MESH).ofType(Telemetry.class).get(0);
        assertThat(t.meshWide()).isTrue();
        assertThat(t.tracing()).hasValueSatisfying(tracing -> {
            assertThat(tracing.samplingPercent()).isEqualTo(OptionalDouble.of(10));
            assertThat(tracing.exporter()).contains(Exporter.ZIPKIN);
            assertThat(tracing.endpoint()).contains(URI.create("http://127.0.0.1:9411/api/v2/spans"));
        });
        assertThat(t.accessLog()).contains(new AccessLog(true, "/var/log/trellis/access.log"));
    }

    @Test
    void leavesOutWhatIsNotWrittenAndDefaultsTheAccessLog() {
        Telemetry t = load(spec("""
                tracing: {}
                accessLog: {}
                """)).ofType(Telemetry.class).get(0);
        assertThat(t.tracing()).hasValueSatisfying(tracing -> {
            assertThat(tracing.samplingPercent()).isEmpty();
            assertThat(tracing.exporter()).isEmpty();
            assertThat(tracing.endpoint()).isEmpty();
        });
        assertThat(t.accessLog()).contains(new AccessLog(false, AccessLog.STDOUT));
        assertThat(load(spec("tracing: {samplingPercent: 0.5, exporter: NONE}")).ofType(Telemetry.class).get(0).tracing().get())
                .satisfies(tracing -> {
                    assertThat(tracing.samplingPercent()).isEqualTo(OptionalDouble.of(0.5));
                    assertThat(tracing.exporter()).contains(Exporter.NONE);
                });
    }

    @Test
    void refusesBadValuesAtTheirLine() {
        ConfigException e = failure(spec("""
                tracing:
                  samplingPercent: 101
                """));
        assertThat(e.line()).isEqualTo(21);
        assertThat(e.reason()).isEqualTo("spec.tracing.samplingPercent: 101 (expected: 0..100)");

        e = failure(spec("tracing: {exporter: jaeger}"));
        assertThat(e.line()).isEqualTo(20);
        assertThat(e.reason()).isEqualTo("spec.tracing.exporter: \"jaeger\" (expected: otlp, zipkin or none)");

        e = failure(spec("""
                tracing:
                  exporter: otlp
                  endpoint: 127.0.0.1:4317
                """));
        assertThat(e.line()).isEqualTo(22);
        assertThat(e.reason()).isEqualTo("spec.tracing.endpoint: \"127.0.0.1:4317\" (expected: an http:// or https:// URL "
                + "with a host, e.g. http://127.0.0.1:4317)");

        e = failure(spec("tracing: {exporter: none, endpoint: 'http://127.0.0.1:4317'}"));
        assertThat(e.reason()).isEqualTo("spec.tracing.endpoint: http://127.0.0.1:4317 (expected: no endpoint with exporter none)");

        e = failure(spec("""
                accessLog:
                  enabled: yes please
                """));
        assertThat(e.line()).isEqualTo(21);
        assertThat(e.reason()).isEqualTo("spec.accessLog.enabled: \"yes please\" (expected: true or false)");

        e = failure(spec("accessLog: {enabled: true, path: access.log}"));
        assertThat(e.reason()).isEqualTo("spec.accessLog.path: \"access.log\" (expected: an absolute file path, or /dev/stdout)");

        e = failure(spec("""
                tracing:
                  samplingPercnt: 10
                """));
        assertThat(e.line()).isEqualTo(21);
        assertThat(e.reason()).isEqualTo("spec.tracing.samplingPercnt: unknown field (did you mean samplingPercent?)");

        e = failure(spec("service: catalog"));
        assertThat(e.line()).isEqualTo(20);
        assertThat(e.reason()).isEqualTo("spec: neither tracing nor accessLog (expected: at least one of them)");
    }

    @Test
    void aServiceMustExistAndEachScopeHasOneTelemetry() {
        ConfigException e = failure(spec("""
                service: shop
                tracing: {samplingPercent: 5}
                """));
        assertThat(e.line()).isEqualTo(20);
        assertThat(e.reason()).isEqualTo("spec.service: shop (expected: an existing Service; none named shop in namespace default)");

        e = failure(MESH + "---\n" + MESH.replace("mesh-default", "another"));
        assertThat(e.line()).isEqualTo(28);
        assertThat(e.reason()).startsWith("Telemetry default/another: one Telemetry per scope expected; default/mesh-default at "
                + "telemetry.yaml:16 already applies to the whole mesh (no spec.service)");

        String own = spec("""
                service: catalog
                accessLog: {enabled: true}
                """);
        e = failure(own + "---\n" + own.replace("{name: t}", "{name: t2}"));
        assertThat(e.line()).isEqualTo(23);
        assertThat(e.reason()).contains("already applies to Service default/catalog");
    }

    @Test
    void aServicesOwnTelemetryOverridesTheMeshDefaultSectionBySection() {
        ResourceSet all = load(MESH + "---\n" + spec("""
                service: catalog
                tracing: {samplingPercent: 100}
                """));
        Settings catalog = TelemetryKind.settingsOf(all, "default", "catalog");
        assertThat(catalog.tracing().get().samplingPercent()).isEqualTo(OptionalDouble.of(100));
        assertThat(catalog.tracing().get().exporter()).as("the whole section is the Service's own").isEmpty();
        assertThat(catalog.accessLog()).as("from the mesh default").contains(new AccessLog(true, "/var/log/trellis/access.log"));

        Settings db = TelemetryKind.settingsOf(all, "default", "db");
        assertThat(db.tracing().get().exporter()).contains(Exporter.ZIPKIN);
        assertThat(TelemetryKind.settingsOf(load(""), "default", "db")).isEqualTo(Settings.NONE);
        assertThat(TelemetryKind.settingsOf(load(""), "default", "db").tracing()).isEqualTo(Optional.empty());
    }
}
