package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Telemetry resources on the HTTP connection managers of a proxy's listeners, in Envoy's shapes. */
class TelemetryTranslationTest {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080, endpoints: [{address: "127.0.0.1:9001"}]}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: web}
            spec: {port: 8080}
            """;

    static String telemetry(String name, String spec) {
        return "---\napiVersion: trellis.dev/v1alpha1\nkind: Telemetry\nmetadata: {name: " + name + "}\nspec:\n" + spec.indent(2);
    }

    /** Every HTTP connection manager of the proxy of {@code service} (outbound and each inbound HTTP chain). */
    static List<HttpConnectionManager> hcms(String yaml, String service) throws InvalidProtocolBufferException {
        ResourceSet resources = ConfigLoader.standard().parse("mesh.yaml", SERVICES + yaml);
        List<HttpConnectionManager> out = new ArrayList<>();
        for (Listener l : XdsTranslator.translate(resources, ProxyNode.of(service, 7000)).listeners()) {
            List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
            chains.add(l.getDefaultFilterChain());
            for (FilterChain chain : chains) {
                for (Filter f : chain.getFiltersList()) {
                    if (f.getName().equals(XdsNames.HTTP_CONNECTION_MANAGER)) {
                        out.add(f.getTypedConfig().unpack(HttpConnectionManager.class));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void withoutTelemetryNothingIsSet() throws Exception {
        List<HttpConnectionManager> hcms = hcms("", "web");
        assertThat(hcms).as("outbound, inbound plaintext and mutual TLS").hasSize(3);
        assertThat(hcms).allSatisfy(h -> {
            assertThat(h.hasTracing()).isFalse();
            assertThat(h.getAccessLogList()).isEmpty();
        });
    }

    @Test
    void otlpOverGrpcWithSamplingAndAnAccessLogOnEveryHttpListener() throws Exception {
        List<HttpConnectionManager> hcms = hcms(telemetry("mesh", """
                tracing: {samplingPercent: 10, exporter: otlp, endpoint: "http://127.0.0.1:4317"}
                accessLog: {enabled: true}
                """), "web");
        assertThat(hcms).hasSize(3).allSatisfy(h -> {
            HttpConnectionManager.Tracing t = h.getTracing();
            assertThat(t.getRandomSampling().getValue()).isEqualTo(10);
            assertThat(t.hasOverallSampling()).isFalse();
            assertThat(t.getProvider().getName()).isEqualTo("envoy.tracers.opentelemetry");
            OpenTelemetryConfig otel = unpack(t.getProvider().getTypedConfig(), OpenTelemetryConfig.class);
            assertThat(otel.getServiceName()).isEqualTo("web");
            assertThat(otel.getGrpcService().getGoogleGrpc().getTargetUri()).isEqualTo("127.0.0.1:4317");
            assertThat(otel.getGrpcService().getGoogleGrpc().hasChannelCredentials()).isFalse();
            assertThat(otel.hasHttpService()).isFalse();

            assertThat(h.getAccessLogList()).hasSize(1);
            assertThat(h.getAccessLog(0).getName()).isEqualTo("envoy.access_loggers.file");
            FileAccessLog file = unpack(h.getAccessLog(0).getTypedConfig(), FileAccessLog.class);
            assertThat(file.getPath()).isEqualTo("/dev/stdout");
            assertThat(file.getJsonFormat().getFieldsMap()).containsKeys("start_time", "method", "response_code", "traceparent");
        });
    }

    @Test
    void otlpOverHttpForAPathOrPort4318AndTlsForHttps() throws Exception {
        OpenTelemetryConfig http = otel(hcms(telemetry("mesh", "tracing: {endpoint: 'http://collector:4318'}"), "web").get(0));
        assertThat(http.getHttpService().getHttpUri().getUri()).isEqualTo("http://collector:4318/v1/traces");
        assertThat(http.getHttpService().getHttpUri().getCluster()).isEqualTo("http://collector:4318");
        assertThat(http.hasGrpcService()).isFalse();

        OpenTelemetryConfig path = otel(hcms(telemetry("mesh", "tracing: {exporter: otlp, endpoint: 'https://otel.example/otlp/v1/traces'}"),
                "web").get(0));
        assertThat(path.getHttpService().getHttpUri().getUri()).isEqualTo("https://otel.example:443/otlp/v1/traces");

        OpenTelemetryConfig tls = otel(hcms(telemetry("mesh", "tracing: {endpoint: 'https://otel.example:4317'}"), "web").get(0));
        assertThat(tls.getGrpcService().getGoogleGrpc().getTargetUri()).isEqualTo("otel.example:4317");
        assertThat(tls.getGrpcService().getGoogleGrpc().getChannelCredentials().hasSslCredentials()).isTrue();
    }

    @Test
    void zipkinCollectorAndNoneAndAnUnsetExporter() throws Exception {
        HttpConnectionManager.Tracing zipkin = hcms(telemetry("mesh", "tracing: {exporter: zipkin, endpoint: 'http://127.0.0.1:9411'}"),
                "web").get(0).getTracing();
        assertThat(zipkin.getProvider().getName()).isEqualTo("envoy.tracers.zipkin");
        assertThat(zipkin.hasRandomSampling()).as("left to the sidecar").isFalse();
        ZipkinConfig z = unpack(zipkin.getProvider().getTypedConfig(), ZipkinConfig.class);
        assertThat(z.getCollectorCluster()).isEqualTo("http://127.0.0.1:9411");
        assertThat(z.getCollectorHostname()).isEqualTo("127.0.0.1:9411");
        assertThat(z.getCollectorEndpoint()).isEqualTo("/api/v2/spans");
        assertThat(z.getCollectorEndpointVersion()).isEqualTo(ZipkinConfig.CollectorEndpointVersion.HTTP_JSON);
        assertThat(z.getTraceId128Bit()).isTrue();

        HttpConnectionManager.Tracing none = hcms(telemetry("mesh", "tracing: {exporter: none, samplingPercent: 50}"), "web")
                .get(0).getTracing();
        assertThat(none.hasProvider()).isFalse();
        assertThat(none.getOverallSampling().getValue()).isZero();
        assertThat(none.getRandomSampling().getValue()).isEqualTo(50);

        HttpConnectionManager.Tracing unset = hcms(telemetry("mesh", "tracing: {samplingPercent: 5}"), "web").get(0).getTracing();
        assertThat(unset.hasProvider()).as("the sidecar's own tracer").isFalse();
        assertThat(unset.hasOverallSampling()).isFalse();
    }

    @Test
    void aServicesOwnTelemetryAppliesToItsProxyOnly() throws Exception {
        String yaml = telemetry("mesh", "tracing: {exporter: zipkin}") + telemetry("catalog", """
                service: catalog
                tracing: {exporter: otlp}
                accessLog: {enabled: true, path: /tmp/catalog.log}
                """);
        assertThat(hcms(yaml, "catalog")).allSatisfy(h -> {
            assertThat(h.getTracing().getProvider().getName()).isEqualTo("envoy.tracers.opentelemetry");
            assertThat(unpack(h.getAccessLog(0).getTypedConfig(), FileAccessLog.class).getPath()).isEqualTo("/tmp/catalog.log");
        });
        assertThat(hcms(yaml, "web")).allSatisfy(h -> {
            assertThat(h.getTracing().getProvider().getName()).isEqualTo("envoy.tracers.zipkin");
            assertThat(h.getAccessLogList()).isEmpty();
        });
    }

    private static OpenTelemetryConfig otel(HttpConnectionManager h) throws InvalidProtocolBufferException {
        return unpack(h.getTracing().getProvider().getTypedConfig(), OpenTelemetryConfig.class);
    }

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
