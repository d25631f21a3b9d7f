package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.config.TracingConfig.Exporter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard OpenTelemetry environment variables of a sidecar, and how they combine with the mesh's Telemetry:
 * a field the Telemetry resource sets wins; a field it leaves out comes from the environment, else from the default
 * (1 %, OTLP, the exporter's default endpoint); with no Telemetry tracing at all, the environment alone turns tracing
 * on (OTEL_TRACES_EXPORTER=otlp|zipkin, or an exporter endpoint variable).
 *
 * <ul>
 *   <li>OTEL_TRACES_EXPORTER: otlp, zipkin or none (the first of a list);</li>
 *   <li>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the whole URL), else OTEL_EXPORTER_OTLP_ENDPOINT (a base URL: /v1/traces is
 *       appended for HTTP); OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: grpc or http/protobuf
 *       (default: HTTP for a URL with a path or port 4318, else gRPC);</li>
 *   <li>OTEL_EXPORTER_ZIPKIN_ENDPOINT: the collector's /api/v2/spans URL;</li>
 *   <li>OTEL_TRACES_SAMPLER (always_on, always_off, traceidratio and their parentbased_ forms: a caller's decision is
 *       always honoured) and OTEL_TRACES_SAMPLER_ARG, the ratio 0..1.</li>
 * </ul>
 * An OTLP endpoint in a {@link TracingConfig} says its protocol by its shape: with a path it is OTLP/HTTP to exactly
 * that URL, without one it is OTLP/gRPC.
 */
public final class TracingEnvironment {
    public static final String TRACES_EXPORTER = "OTEL_TRACES_EXPORTER";
    public static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String OTLP_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public static final String OTLP_PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public static final String OTLP_TRACES_PROTOCOL = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
    public static final String ZIPKIN_ENDPOINT = "OTEL_EXPORTER_ZIPKIN_ENDPOINT";
    public static final String SAMPLER = "OTEL_TRACES_SAMPLER";
    public static final String SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";
    /** Istio's default share of sampled traces. */
    public static final double DEFAULT_SAMPLING_PERCENT = 1;
    static final String OTLP_HTTP_PATH = "/v1/traces";
    static final int OTLP_HTTP_PORT = 4318;
    private static final Logger log = LoggerFactory.getLogger(TracingEnvironment.class);

    private final Map<String, String> env;

    private TracingEnvironment(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static TracingEnvironment of(Map<String, String> env) {
        return new TracingEnvironment(env);
    }

    public static TracingEnvironment system() {
        return new TracingEnvironment(System.getenv());
    }

    /**
     * What a listener's Telemetry asked for; an empty field was left out.
     *
     * @param endpoint an OTLP endpoint says its protocol by its shape (see the class comment)
     */
    public record Requested(OptionalDouble samplingPercent, Optional<Exporter> exporter, Optional<String> endpoint) {
    }

    /** @param requested the mesh's tracing for a listener; empty when no Telemetry configures tracing */
    public TracingConfig resolve(Optional<Requested> requested) {
        Optional<Exporter> exporter = requested.flatMap(Requested::exporter).or(this::exporter);
        if (requested.isEmpty() && exporter.isEmpty()) {
            if (value(ZIPKIN_ENDPOINT) != null) {
                exporter = Optional.of(Exporter.ZIPKIN);
            } else if (value(OTLP_TRACES_ENDPOINT) != null || value(OTLP_ENDPOINT) != null) {
                exporter = Optional.of(Exporter.OTLP);
            } else {
                return TracingConfig.DISABLED;
            }
        }
        Exporter e = exporter.orElse(Exporter.OTLP);
        if (requested.isEmpty() && e == Exporter.NONE) {
            return TracingConfig.DISABLED;
        }
        double percent = requested.flatMap(r -> box(r.samplingPercent())).or(() -> box(samplingPercent()))
                .orElse(DEFAULT_SAMPLING_PERCENT);
        if (e == Exporter.NONE) {
            return new TracingConfig(percent, Exporter.NONE, null);
        }
        String endpoint = requested.flatMap(Requested::endpoint).orElseGet(() -> endpoint(e));
        return new TracingConfig(percent, e, endpoint);
    }

    Optional<Exporter> exporter() {
        String v = value(TRACES_EXPORTER);
        if (v == null) {
            return Optional.empty();
        }
        String first = v.split(",")[0].trim().toLowerCase(Locale.ROOT);
        switch (first) {
            case "otlp": return Optional.of(Exporter.OTLP);
            case "zipkin": return Optional.of(Exporter.ZIPKIN);
            case "none": return Optional.of(Exporter.NONE);
            default:
                log.warn("{}={}: not a supported exporter (expected: otlp, zipkin or none); ignored", TRACES_EXPORTER, v);
                return Optional.empty();
        }
    }

    OptionalDouble samplingPercent() {
        String sampler = value(SAMPLER);
        String arg = value(SAMPLER_ARG);
        if (sampler != null) {
            switch (sampler.toLowerCase(Locale.ROOT)) {
                case "always_on", "parentbased_always_on": return OptionalDouble.of(100);
                case "always_off", "parentbased_always_off": return OptionalDouble.of(0);
                case "traceidratio", "parentbased_traceidratio": return arg == null ? OptionalDouble.of(100) : ratio(arg);
                default:
                    log.warn("{}={}: not a supported sampler; ignored", SAMPLER, sampler);
                    return arg == null ? OptionalDouble.empty() : ratio(arg);
            }
        }
        return arg == null ? OptionalDouble.empty() : ratio(arg);
    }

    private static OptionalDouble ratio(String arg) {
        try {
            double r = Double.parseDouble(arg.trim());
            if (r >= 0 && r <= 1) {
                return OptionalDouble.of(r * 100);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("{}={}: not a ratio 0..1; ignored", SAMPLER_ARG, arg);
        return OptionalDouble.empty();
    }

    /** The exporter's endpoint from the environment, or null for its default. */
    String endpoint(Exporter exporter) {
        if (exporter == Exporter.ZIPKIN) {
            String zipkin = value(ZIPKIN_ENDPOINT);
            return zipkin == null ? null : url(ZIPKIN_ENDPOINT, zipkin);
        }
        String protocol = value(OTLP_TRACES_PROTOCOL) != null ? value(OTLP_TRACES_PROTOCOL) : value(OTLP_PROTOCOL);
        Boolean http = protocol == null ? null : protocol.trim().toLowerCase(Locale.ROOT).startsWith("http");
        String traces = value(OTLP_TRACES_ENDPOINT) == null ? null : url(OTLP_TRACES_ENDPOINT, value(OTLP_TRACES_ENDPOINT));
        String base = value(OTLP_ENDPOINT) == null ? null : url(OTLP_ENDPOINT, value(OTLP_ENDPOINT));
        String raw = traces != null ? traces : base;
        if (raw == null) {
            return Boolean.TRUE.equals(http) ? "http://localhost:" + OTLP_HTTP_PORT + OTLP_HTTP_PATH : null;
        }
        URI uri = URI.create(raw);
        boolean overHttp = http != null ? http : hasPath(uri) || uri.getPort() == OTLP_HTTP_PORT;
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        if (!overHttp) {
            return origin;
        }
        if (traces != null) {
            return hasPath(uri) ? raw : origin + OTLP_HTTP_PATH;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return origin + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + OTLP_HTTP_PATH;
    }

    private static boolean hasPath(URI uri) {
        return uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/");
    }

    /** An http(s) URL with a host, else null (and a warning). */
    private static String url(String name, String value) {
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri.toString();
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        log.warn("{}={}: not an http:// or https:// URL; ignored", name, value);
        return null;
    }

    private String value(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static Optional<Double> box(OptionalDouble d) {
        return d.isPresent() ? Optional.of(d.getAsDouble()) : Optional.empty();
    }
}
