package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.AccessLogConfig;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ListenerTelemetry;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.config.TracingConfig.Exporter;
import dev.trellis.proxy.telemetry.tracing.TracingEnvironment;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Telemetry YAML -> xDS -> each HTTP listener's ListenerTelemetry, with and without the OpenTelemetry environment. */
class TelemetryRoundTripTest {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080, endpoints: [{address: "127.0.0.1:9001"}]}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: db}
            spec: {protocol: tcp, port: 5432, endpoints: [{address: "127.0.0.1:5432"}]}
            """;

    static String telemetry(String name, String spec) {
        return "---\napiVersion: trellis.dev/v1alpha1\nkind: Telemetry\nmetadata: {name: " + name + "}\nspec:\n" + spec.indent(2);
    }

    static List<Listener> listeners(String yaml) {
        return XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", SERVICES + yaml), ProxyNode.of("catalog", 7000))
                .listeners();
    }

    static Map<String, ListenerTelemetry> decode(String yaml, Map<String, String> env) {
        TracingEnvironment e = TracingEnvironment.of(env);
        return listeners(yaml).stream().map(l -> ListenerDecoder.decode(l, e))
                .collect(java.util.stream.Collectors.toMap(ListenerConfig::name, ListenerConfig::telemetry));
    }

    @Test
    void everyFieldReachesBothHttpListeners() {
        Map<String, ListenerTelemetry> t = decode(telemetry("mesh", """
                tracing: {samplingPercent: 12.5, exporter: zipkin, endpoint: "http://127.0.0.1:9411"}
                accessLog: {enabled: true, path: /tmp/access.log}
                """), Map.of());
        ListenerTelemetry expected = new ListenerTelemetry(new TracingConfig(12.5, Exporter.ZIPKIN, "http://127.0.0.1:9411/api/v2/spans"),
                Optional.of(new AccessLogConfig("/tmp/access.log")));
        assertThat(t.get("outbound")).isEqualTo(expected);
        assertThat(t.get("inbound")).isEqualTo(expected);
        assertThat(t.get("outbound_tcp_5432")).as("TCP: no HTTP requests to trace").isEqualTo(ListenerTelemetry.NONE);
    }

    @Test
    void otlpEndpointsKeepTheirProtocol() {
        assertThat(decode(telemetry("mesh", "tracing: {endpoint: 'http://127.0.0.1:4317'}"), Map.of()).get("outbound").tracing())
                .isEqualTo(new TracingConfig(1, Exporter.OTLP, "http://127.0.0.1:4317"));
        assertThat(decode(telemetry("mesh", "tracing: {endpoint: 'https://otel.example:4317'}"), Map.of()).get("outbound").tracing().endpoint())
                .isEqualTo("https://otel.example:4317");
        assertThat(decode(telemetry("mesh", "tracing: {endpoint: 'http://127.0.0.1:4318'}"), Map.of()).get("outbound").tracing().endpoint())
                .isEqualTo("http://127.0.0.1:4318/v1/traces");
    }

    @Test
    void theEnvironmentFillsWhatTheMeshLeftOutAndAloneTurnsTracingOn() {
        Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:9999/api/v2/spans",
                "OTEL_TRACES_SAMPLER_ARG", "0.5");
        assertThat(decode("", env).get("inbound").tracing()).isEqualTo(new TracingConfig(50, Exporter.ZIPKIN, "http://127.0.0.1:9999/api/v2/spans"));
        assertThat(decode(telemetry("mesh", "accessLog: {enabled: true}"), env).get("outbound"))
                .isEqualTo(new ListenerTelemetry(new TracingConfig(50, Exporter.ZIPKIN, "http://127.0.0.1:9999/api/v2/spans"),
                        Optional.of(new AccessLogConfig("/dev/stdout"))));
        assertThat(decode(telemetry("mesh", "tracing: {samplingPercent: 100}"), env).get("outbound").tracing())
                .isEqualTo(new TracingConfig(100, Exporter.ZIPKIN, "http://127.0.0.1:9999/api/v2/spans"));
        assertThat(decode(telemetry("mesh", "tracing: {exporter: none}"), env).get("outbound").tracing().enabled()).isFalse();
        assertThat(decode("", Map.of()).get("outbound")).isEqualTo(ListenerTelemetry.NONE);
    }

    @Test
    void refusesWhatTheProxyCannotApply() {
        Listener outbound = listeners(telemetry("mesh", "tracing: {exporter: otlp}\naccessLog: {enabled: true}")).get(0);
        assertThatThrownBy(() -> ListenerDecoder.decode(withHcm(outbound, h -> h.toBuilder().setTracing(h.getTracing().toBuilder()
                .setProvider(h.getTracing().getProvider().toBuilder().setName("envoy.tracers.datadog"))).build())))
                .isInstanceOf(XdsResourceException.class)
                .hasMessageContaining("filter_chains[0].filters[0].tracing.provider.name: envoy.tracers.datadog (expected: "
                        + "envoy.tracers.opentelemetry or envoy.tracers.zipkin)");
        assertThatThrownBy(() -> ListenerDecoder.decode(withHcm(outbound, h -> h.toBuilder().setTracing(h.getTracing().toBuilder()
                .setProvider(h.getTracing().getProvider().toBuilder().setTypedConfig(Any.pack(OpenTelemetryConfig.newBuilder()
                        .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName("otel")))
                        .build())))).build())))
                .hasMessageContaining("grpc_service: ENVOY_GRPC (expected: google_grpc with a host:port target_uri");
        assertThatThrownBy(() -> ListenerDecoder.decode(withHcm(outbound, h -> h.toBuilder().setAccessLog(0,
                h.getAccessLog(0).toBuilder().setFilter(AccessLogFilter.getDefaultInstance())).build())))
                .hasMessageContaining("access_log[0].filter: set (expected: none; every request is logged)");
        assertThatThrownBy(() -> ListenerDecoder.decode(withHcm(outbound, h -> h.toBuilder().addAccessLog(h.getAccessLog(0)).build())))
                .hasMessageContaining("access_log: 2 access logs (expected: at most one)");
        assertThatThrownBy(() -> ListenerDecoder.decode(withHcm(outbound, h -> h.toBuilder().setTracing(h.getTracing().toBuilder()
                .setRandomSampling(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(150))).build())))
                .hasMessageContaining("tracing.random_sampling.value: 150.0 (expected: 0 to 100)");
    }

    @Test
    void standaloneSnapshotsCarryIt() {
        ProxySnapshot snapshot = XdsDecoder.decode(XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml",
                SERVICES + telemetry("mesh", "accessLog: {enabled: true}")), ProxyNode.of("catalog", 7000)), Map.of());
        assertThat(snapshot.listeners().get("inbound").telemetry().accessLog()).contains(new AccessLogConfig("/dev/stdout"));
    }

    private static Listener withHcm(Listener l, UnaryOperator<HttpConnectionManager> change) {
        Filter f = l.getFilterChains(0).getFilters(0);
        assertThat(f.getName()).isEqualTo(XdsNames.HTTP_CONNECTION_MANAGER);
        try {
            HttpConnectionManager h = f.getTypedConfig().unpack(HttpConnectionManager.class);
            return l.toBuilder().setFilterChains(0, l.getFilterChains(0).toBuilder()
                    .setFilters(0, f.toBuilder().setTypedConfig(Any.pack(change.apply(h))))).build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
