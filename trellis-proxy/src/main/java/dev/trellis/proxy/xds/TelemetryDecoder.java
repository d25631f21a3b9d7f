package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.trellis.config.xds.TelemetryTranslator;
import dev.trellis.proxy.config.AccessLogConfig;
import dev.trellis.proxy.config.ListenerTelemetry;
import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.config.TracingConfig.Exporter;
import dev.trellis.proxy.telemetry.tracing.TracingEnvironment;
import dev.trellis.proxy.telemetry.tracing.TracingEnvironment.Requested;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Percent;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An HTTP connection manager's {@code tracing} and {@code access_log} to {@link ListenerTelemetry}, in the shapes
 * {@link TelemetryTranslator} writes: providers {@value TelemetryTranslator#OPENTELEMETRY_TRACER} (google_grpc
 * target or http_service URI) and {@value TelemetryTranslator#ZIPKIN_TRACER} (JSON v2; collector_cluster may be
 * the collector's origin URL), no provider with {@code overall_sampling} 0 % (report nothing), no provider (the
 * sidecar's own tracer), {@code random_sampling}; one {@value TelemetryTranslator#FILE_ACCESS_LOG} access log.
 * What the connection manager leaves out comes from the sidecar's environment ({@link TracingEnvironment}).
 */
final class TelemetryDecoder {
    private TelemetryDecoder() {
    }

    static ListenerTelemetry decode(HttpConnectionManager hcm, TracingEnvironment env, String listener, String field) {
        Optional<Requested> requested = hcm.hasTracing()
                ? Optional.of(tracing(hcm.getTracing(), listener, field + ".tracing"))
                : Optional.empty();
        TracingConfig tracing = env.resolve(requested);
        return new ListenerTelemetry(tracing, accessLog(hcm, listener, field));
    }

    private static Requested tracing(HttpConnectionManager.Tracing t, String listener, String field) {
        OptionalDouble percent = t.hasRandomSampling()
                ? OptionalDouble.of(percent(t.getRandomSampling(), listener, field + ".random_sampling"))
                : OptionalDouble.empty();
        boolean reportNothing = t.hasOverallSampling() && percent(t.getOverallSampling(), listener, field + ".overall_sampling") == 0;
        if (t.hasClientSampling() || (t.hasOverallSampling() && !reportNothing)) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ": client_sampling or a non-zero overall_sampling"
                    + " (expected: random_sampling, and overall_sampling 0 only to report nothing)");
        }
        if (reportNothing) {
            if (t.hasProvider()) {
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".provider: " + t.getProvider().getName()
                        + " (expected: none with overall_sampling 0)");
            }
            return new Requested(percent, Optional.of(Exporter.NONE), Optional.empty());
        }
        if (!t.hasProvider()) {
            return new Requested(percent, Optional.empty(), Optional.empty());
        }
        String name = t.getProvider().getName();
        String at = field + ".provider.typed_config";
        switch (name) {
            case TelemetryTranslator.OPENTELEMETRY_TRACER:
                return new Requested(percent, Optional.of(Exporter.OTLP),
                        otlpEndpoint(unpack(t.getProvider().getTypedConfig(), OpenTelemetryConfig.class, listener, at), listener, at));
            case TelemetryTranslator.ZIPKIN_TRACER:
                return new Requested(percent, Optional.of(Exporter.ZIPKIN),
                        zipkinEndpoint(unpack(t.getProvider().getTypedConfig(), ZipkinConfig.class, listener, at), listener, at));
            default:
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".provider.name: " + name + " (expected: "
                        + TelemetryTranslator.OPENTELEMETRY_TRACER + " or " + TelemetryTranslator.ZIPKIN_TRACER + ")");
        }
    }

    private static double percent(Percent p, String listener, String field) {
        double v = p.getValue();
        if (!(v >= 0 && v <= 100)) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".value: " + v + " (expected: 0 to 100)");
        }
        return v;
    }

    /** "http(s)://host:port" for gRPC (no path), the whole URL for OTLP/HTTP; empty for the default collector. */
    private static Optional<String> otlpEndpoint(OpenTelemetryConfig otel, String listener, String field) {
        if (otel.hasHttpService()) {
            URI uri = url(otel.getHttpService().getHttpUri().getUri(), listener, field + ".http_service.http_uri.uri");
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
                    ? TelemetryTranslator.OTLP_HTTP_PATH : uri.getRawPath();
            return Optional.of(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path);
        }
        if (!otel.hasGrpcService()) {
            return Optional.empty();
        }
        GrpcService grpc = otel.getGrpcService();
        if (!grpc.hasGoogleGrpc() || grpc.getGoogleGrpc().getTargetUri().isBlank()) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".grpc_service: " + grpc.getTargetSpecifierCase()
                    + " (expected: google_grpc with a host:port target_uri; the sidecar has no cluster for the collector)");
        }
        String target = grpc.getGoogleGrpc().getTargetUri().trim();
        String scheme = grpc.getGoogleGrpc().getChannelCredentials().hasSslCredentials() ? "https" : "http";
        URI uri = url(scheme + "://" + target, listener, field + ".grpc_service.google_grpc.target_uri");
        return Optional.of(scheme + "://" + uri.getRawAuthority());
    }

    /** scheme from collector_cluster when it is a URL (else http), host from collector_hostname, path collector_endpoint. */
    private static Optional<String> zipkinEndpoint(ZipkinConfig z, String listener, String field) {
        ZipkinConfig.CollectorEndpointVersion version = z.getCollectorEndpointVersion();
        if (version != ZipkinConfig.CollectorEndpointVersion.HTTP_JSON
                && version != ZipkinConfig.CollectorEndpointVersion.DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".collector_endpoint_version: " + version
                    + " (expected: HTTP_JSON)");
        }
        String cluster = z.getCollectorCluster().trim();
        boolean clusterIsUrl = cluster.startsWith("http://") || cluster.startsWith("https://");
        String host = z.getCollectorHostname().trim();
        if (host.isEmpty() && clusterIsUrl) {
            host = url(cluster, listener, field + ".collector_cluster").getRawAuthority();
        }
        if (host.isEmpty()) {
            return Optional.empty();
        }
        String scheme = clusterIsUrl ? cluster.substring(0, cluster.indexOf(':')) : "http";
        String path = z.getCollectorEndpoint().isBlank() ? TelemetryTranslator.ZIPKIN_PATH : z.getCollectorEndpoint().trim();
        if (!path.startsWith("/")) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".collector_endpoint: " + path
                    + " (expected: a path starting with /)");
        }
        return Optional.of(url(scheme + "://" + host + path, listener, field + ".collector_hostname").toString());
    }

    private static URI url(String text, String listener, String field) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ": " + text + " (expected: an http:// or https:// URL with a host)");
    }

    private static Optional<AccessLogConfig> accessLog(HttpConnectionManager hcm, String listener, String field) {
        if (hcm.getAccessLogCount() == 0) {
            return Optional.empty();
        }
        if (hcm.getAccessLogCount() > 1) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".access_log: " + hcm.getAccessLogCount()
                    + " access logs (expected: at most one)");
        }
        AccessLog log = hcm.getAccessLog(0);
        String at = field + ".access_log[0]";
        if (!log.getName().equals(TelemetryTranslator.FILE_ACCESS_LOG)) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".name: " + log.getName()
                    + " (expected: " + TelemetryTranslator.FILE_ACCESS_LOG + ")");
        }
        if (log.hasFilter()) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".filter: set (expected: none; every request is logged)");
        }
        FileAccessLog file = unpack(log.getTypedConfig(), FileAccessLog.class, listener, at + ".typed_config");
        if (file.getPath().isBlank()) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".typed_config.path: \"\" (expected: a file or "
                    + AccessLogConfig.STDOUT + ")");
        }
        // the sidecar writes its own JSON fields whatever the format says (the translator's json_format names the same ones)
        return Optional.of(new AccessLogConfig(file.getPath()));
    }

    private static <T extends Message> T unpack(Any any, Class<T> type, String listener, String field) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ": " + any.getTypeUrl()
                    + " (expected: " + type.getSimpleName() + ")");
        }
    }
}
