package dev.trellis.config.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import dev.trellis.config.resource.Telemetry.AccessLog;
import dev.trellis.config.resource.Telemetry.Exporter;
import dev.trellis.config.resource.Telemetry.Settings;
import dev.trellis.config.resource.Telemetry.Tracing;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog.Builder;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HttpService;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Percent;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Service's Telemetry settings on its HTTP connection managers, in Envoy's shapes.
 *
 * <p>{@code tracing} is set only when a Telemetry has a tracing section; what the section leaves out stays out, so
 * the sidecar can fill it in from its OpenTelemetry environment variables:
 * <ul>
 *   <li>samplingPercent: {@code random_sampling};</li>
 *   <li>exporter otlp: provider {@value #OPENTELEMETRY_TRACER}, its collector (when given) a {@code grpc_service}
 *       ({@code google_grpc.target_uri} host:port, SSL credentials for https) or, for an endpoint with a path or on
 *       port 4318, an {@code http_service} whose {@code http_uri.uri} is the whole URL;</li>
 *   <li>exporter zipkin: provider {@value #ZIPKIN_TRACER}: {@code collector_hostname} host:port and
 *       {@code collector_endpoint} the path (default {@value #ZIPKIN_PATH}), JSON v2, 128-bit trace ids;</li>
 *   <li>exporter none: no provider and {@code overall_sampling} 0 %: context is passed on, nothing is reported;</li>
 *   <li>no exporter (and no endpoint): no provider, the sidecar's own tracer (as Envoy's bootstrap tracer).</li>
 * </ul>
 * Where Envoy names a cluster to reach the collector ({@code collector_cluster}, {@code http_uri.cluster}), the
 * collector's origin URL stands ("http://127.0.0.1:9411"): the mesh has no cluster for it, and the scheme is kept.
 *
 * <p>{@code access_log}: one {@value #FILE_ACCESS_LOG} FileAccessLog with the path and a JSON format, when enabled.
 */
public final class TelemetryTranslator {
    public static final String OPENTELEMETRY_TRACER = "envoy.tracers.opentelemetry";
    public static final String ZIPKIN_TRACER = "envoy.tracers.zipkin";
    public static final String FILE_ACCESS_LOG = "envoy.access_loggers.file";
    public static final String ZIPKIN_PATH = "/api/v2/spans";
    public static final String OTLP_HTTP_PATH = "/v1/traces";
    public static final int OTLP_HTTP_PORT = 4318;
    public static final String OTLP_STAT_PREFIX = "otlp";
    static final Duration COLLECTOR_TIMEOUT = Duration.ofSeconds(10);

    private TelemetryTranslator() {}

    /** The connection manager with the Service's tracing and access log. */
    static HttpConnectionManager apply(HttpConnectionManager hcm, Settings settings, String serviceName) {
        if (settings.tracing().isEmpty() && settings.accessLog().map(a -> !a.enabled()).orElse(true)) {
            return hcm;
        }
        HttpConnectionManager.Builder b = hcm.toBuilder();
        settings.tracing().ifPresent(t -> b.setTracing(tracing(t, serviceName)));
        settings.accessLog().filter(AccessLog::enabled).ifPresent(a -> b.addAccessLog(accessLog(a)));
        return b.build();
    }

    static HttpConnectionManager.Tracing tracing(Tracing t, String serviceName) {
        HttpConnectionManager.Tracing.Builder b = HttpConnectionManager.Tracing.newBuilder();
        t.samplingPercent().ifPresent(p -> b.setRandomSampling(Percent.newBuilder().setValue(p)));
        Exporter exporter = t.exporter().orElse(t.endpoint().isPresent() ? Exporter.OTLP : null);
        if (exporter == Exporter.NONE) {
            b.setOverallSampling(Percent.newBuilder().setValue(0));
        } else if (exporter == Exporter.OTLP) {
            OpenTelemetryConfig.Builder otel = OpenTelemetryConfig.newBuilder().setServiceName(serviceName);
            t.endpoint().ifPresent(uri -> {
                if (otlpOverHttp(uri)) {
                    otel.setHttpService(HttpService.newBuilder().setHttpUri(HttpUri.newBuilder()
                            .setUri(withPath(uri, OTLP_HTTP_PATH)).setCluster(origin(uri))
                            .setTimeout(Protos.duration(COLLECTOR_TIMEOUT))));
                } else {
                    GrpcService.GoogleGrpc.Builder grpc = GrpcService.GoogleGrpc.newBuilder()
                            .setTargetUri(authority(uri)).setStatPrefix(OTLP_STAT_PREFIX);
                    if (https(uri)) {
                        grpc.setChannelCredentials(GrpcService.GoogleGrpc.ChannelCredentials.newBuilder()
                                .setSslCredentials(GrpcService.GoogleGrpc.SslCredentials.getDefaultInstance()));
                    }
                    otel.setGrpcService(GrpcService.newBuilder().setGoogleGrpc(grpc)
                            .setTimeout(Protos.duration(COLLECTOR_TIMEOUT)));
                }
            });
            b.getProviderBuilder().setName(OPENTELEMETRY_TRACER).setTypedConfig(Any.pack(otel.build()));
        } else if (exporter == Exporter.ZIPKIN) {
            ZipkinConfig.Builder zipkin = ZipkinConfig.newBuilder()
                    .setCollectorEndpointVersion(ZipkinConfig.CollectorEndpointVersion.HTTP_JSON)
                    .setTraceId128Bit(true)
                    .setSharedSpanContext(com.google.protobuf.BoolValue.of(false));
            t.endpoint().ifPresent(uri -> zipkin.setCollectorCluster(origin(uri)).setCollectorHostname(authority(uri))
                    .setCollectorEndpoint(path(uri, ZIPKIN_PATH)));
            b.getProviderBuilder().setName(ZIPKIN_TRACER).setTypedConfig(Any.pack(zipkin.build()));
        }
        return b.build();
    }

    static io.envoyproxy.envoy.config.accesslog.v3.AccessLog accessLog(AccessLog a) {
        FileAccessLog file = FileAccessLog.newBuilder().setPath(a.path()).setJsonFormat(jsonFormat()).build();
        Builder log = io.envoyproxy.envoy.config.accesslog.v3.AccessLog.newBuilder()
                .setName(FILE_ACCESS_LOG).setTypedConfig(Any.pack(file));
        return log.build();
    }

    /** Envoy's command operators for the fields the sidecar writes, so a real Envoy logs the same record. */
    private static Struct jsonFormat() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("start_time", "%START_TIME%");
        fields.put("method", "%REQ(:METHOD)%");
        fields.put("path", "%REQ(:PATH)%");
        fields.put("protocol", "%PROTOCOL%");
        fields.put("response_code", "%RESPONSE_CODE%");
        fields.put("grpc_status", "%GRPC_STATUS_NUMBER%");
        fields.put("response_flags", "%RESPONSE_FLAGS%");
        fields.put("bytes_received", "%BYTES_RECEIVED%");
        fields.put("bytes_sent", "%BYTES_SENT%");
        fields.put("duration", "%DURATION%");
        fields.put("upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%");
        fields.put("authority", "%REQ(:AUTHORITY)%");
        fields.put("user_agent", "%REQ(USER-AGENT)%");
        fields.put("request_id", "%REQ(X-REQUEST-ID)%");
        fields.put("traceparent", "%REQ(TRACEPARENT)%");
        fields.put("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%");
        fields.put("upstream_host", "%UPSTREAM_HOST%");
        fields.put("upstream_cluster", "%UPSTREAM_CLUSTER%");
        fields.put("route_name", "%ROUTE_NAME%");
        return Protos.struct(fields).getStructValue();
    }

    /** OTLP over HTTP/protobuf when the endpoint has a path or is on port 4318; gRPC otherwise. */
    public static boolean otlpOverHttp(URI endpoint) {
        String path = endpoint.getPath();
        return (path != null && !path.isEmpty() && !path.equals("/")) || endpoint.getPort() == OTLP_HTTP_PORT;
    }

    private static boolean https(URI uri) {
        return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
    }

    /** host:port, the scheme's port when none is written. */
    private static String authority(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : https(uri) ? 443 : 80;
        String host = uri.getHost();
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + authority(uri);
    }

    private static String path(URI uri, String fallback) {
        String p = uri.getRawPath();
        return p == null || p.isEmpty() || p.equals("/") ? fallback : p;
    }

    private static String withPath(URI uri, String fallback) {
        return origin(uri) + path(uri, fallback);
    }
}
