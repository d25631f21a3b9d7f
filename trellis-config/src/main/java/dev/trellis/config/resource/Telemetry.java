package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the sidecars report besides metrics (trellis.dev/v1alpha1 Telemetry, after Istio's): spans and an access
 * log. One Telemetry without {@code spec.service} is the mesh-wide default; one naming a Service (in its
 * namespace) overrides it for that Service's sidecars section by section: its {@code tracing} replaces the
 * default's {@code tracing} whole, its {@code accessLog} the default's {@code accessLog}.
 *
 * @param service         the Service it applies to, in the resource's namespace; null for the mesh-wide default
 * @param serviceLocation where {@code spec.service} is written (null with it)
 * @param tracing         the tracing section, if written
 * @param accessLog       the access log section, if written
 */
public record Telemetry(Metadata metadata, Location location, String service, Location serviceLocation,
                        Optional<Tracing> tracing, Optional<AccessLog> accessLog) implements Resource {

    public static final String KIND = "Telemetry";
    public static final String API_VERSION = Service.API_VERSION;

    public Telemetry {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(accessLog, "accessLog");
    }

    @Override
    public String kind() {
        return KIND;
    }

    public boolean meshWide() {
        return service == null;
    }

    /**
     * What applies to one Service's sidecars: each section from its own Telemetry, else from the mesh-wide one.
     */
    public record Settings(Optional<Tracing> tracing, Optional<AccessLog> accessLog) {
        public static final Settings NONE = new Settings(Optional.empty(), Optional.empty());

        public Settings {
            Objects.requireNonNull(tracing, "tracing");
            Objects.requireNonNull(accessLog, "accessLog");
        }
    }

    public enum Exporter {
        /** OpenTelemetry's protocol: gRPC, or HTTP/protobuf for a ".../v1/traces" or port 4318 endpoint. */
        OTLP,
        /** Zipkin's JSON v2 over HTTP. */
        ZIPKIN,
        /** Trace context is passed on, no span is reported. */
        NONE
    }

    /**
     * Spans. Every field is optional: a field left out is taken from the sidecar's OpenTelemetry environment
     * variables, else from its default (1 %, OTLP, the exporter's default endpoint).
     *
     * @param samplingPercent share of new traces sampled, 0..100 (a caller's decision is always honoured)
     * @param exporter        where spans go
     * @param endpoint        the collector's URL
     */
    public record Tracing(OptionalDouble samplingPercent, Optional<Exporter> exporter, Optional<URI> endpoint) {
        /** Istio's default share of sampled traces. */
        public static final double DEFAULT_SAMPLING_PERCENT = 1;

        public Tracing {
            Objects.requireNonNull(samplingPercent, "samplingPercent");
            Objects.requireNonNull(exporter, "exporter");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /**
     * A JSON-lines access log of every HTTP request the sidecar proxies, in both directions.
     *
     * @param enabled opt-in
     * @param path    a file to append to, or {@value #STDOUT}
     */
    public record AccessLog(boolean enabled, String path) {
        public static final String STDOUT = "/dev/stdout";

        public AccessLog {
            Objects.requireNonNull(path, "path");
        }
    }
}
